import { CardBindingError } from '../errors.js';

export interface AssertSecureUrlOptions {
  /**
   * Accept plain http for a loopback host, for local development against a stub processor. Traffic to
   * loopback never leaves the device, so TLS adds nothing there; anywhere else it is refused.
   */
  allowLoopbackHttp?: boolean;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * True for `localhost`, 127.0.0.0/8 and IPv6 `::1` (bracketed as URL.hostname gives it, or bare).
 * Names under `.localhost` are left out: only a browser promises they resolve to loopback, while a
 * native resolver may send them to DNS.
 */
export function isLoopbackHost(hostname: string): boolean {
  // A trailing dot is the same fully-qualified name ("localhost." is localhost).
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  const octets = IPV4.exec(host);
  if (!octets) return false;
  const parts = octets.slice(1).map(Number);
  return parts.every((part) => part <= 255) && parts[0] === 127;
}

/**
 * Parse `url` and require HTTPS; LitRes's form-params spec makes the app check this before sending card data,
 * because the URL comes from the network and a downgraded one would expose the card in transit. Returns the
 * parsed URL; throws CardBindingError('INSECURE_URL'). Messages never repeat the URL, whose query may carry
 * tokens.
 */
export function assertSecureUrl(url: string | URL, options: AssertSecureUrlOptions = {}): URL {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch (error) {
    throw new CardBindingError('INSECURE_URL', 'The payment URL is not a valid absolute URL', {
      cause: error,
    });
  }
  if (parsed.protocol === 'https:' && parsed.hostname !== '') return parsed;
  if (parsed.protocol === 'http:' && options.allowLoopbackHttp === true && isLoopbackHost(parsed.hostname)) {
    return parsed;
  }
  const allowed = options.allowLoopbackHttp === true ? 'https (or http to a loopback host)' : 'https';
  throw new CardBindingError('INSECURE_URL', `The payment URL must use ${allowed}, not ${parsed.protocol}`);
}

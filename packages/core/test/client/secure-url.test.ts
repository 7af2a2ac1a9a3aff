import { describe, it, expect } from 'vitest';
import { assertSecureUrl, isLoopbackHost } from '../../src/client/index.js';
import { expectCardError } from './fixtures.js';

describe('assertSecureUrl', () => {
  it('returns the parsed URL for https', () => {
    const url = assertSecureUrl('https://secure.payonlinesystem.com/payment/transaction/auth/');
    expect(url).toBeInstanceOf(URL);
    expect(url.hostname).toBe('secure.payonlinesystem.com');
    expect(assertSecureUrl(new URL('HTTPS://Example.com:8443/x')).port).toBe('8443');
  });

  it('refuses http, even to loopback, unless allowed', () => {
    expectCardError(() => assertSecureUrl('http://secure.payonlinesystem.com/'), 'INSECURE_URL');
    expectCardError(() => assertSecureUrl('http://localhost:3000/'), 'INSECURE_URL');
  });

  it('allows http to loopback hosts only when asked', () => {
    const allow = { allowLoopbackHttp: true };
    for (const url of [
      'http://localhost:3000/pay',
      'http://127.0.0.1/',
      'http://127.8.9.10:81/',
      'http://[::1]:8080/',
    ]) {
      expect(assertSecureUrl(url, allow).href).toBe(new URL(url).href);
    }
    for (const url of [
      'http://example.com/',
      'http://localhost.evil.example/',
      'http://127.0.0.1.nip.io/',
      'http://api.localhost/',
      'http://10.0.0.1/',
      'http://[::2]/',
    ]) {
      expectCardError(() => assertSecureUrl(url, allow), 'INSECURE_URL');
    }
  });

  it('refuses other schemes and garbage, without repeating the URL', () => {
    for (const url of [
      'ftp://example.com/',
      'javascript:alert(1)',
      'data:text/html,hi',
      'file:///etc/passwd',
    ]) {
      expectCardError(() => assertSecureUrl(url, { allowLoopbackHttp: true }), 'INSECURE_URL');
    }
    const error = expectCardError(
      () => assertSecureUrl('secure.example.com/pay?token=s3cret'),
      'INSECURE_URL',
    );
    expect(error.message).not.toContain('s3cret');
    const http = expectCardError(
      () => assertSecureUrl('http://example.com/pay?token=s3cret'),
      'INSECURE_URL',
    );
    expect(http.message).not.toContain('s3cret');
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['localhost.', true],
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['[::1]', true],
    ['::1', true],
    ['127.256.0.1', false],
    ['128.0.0.1', false],
    ['0.0.0.0', false],
    ['foo.localhost', false],
    ['example.com', false],
    ['', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

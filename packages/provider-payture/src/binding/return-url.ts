/**
 * The `Url` sent in Init: the host's return URL with the binding id added and Payture's placeholders,
 * which Payture fills in when it sends the customer back. The placeholders are lower case and must stay
 * literal braces, so they are appended as text rather than through URLSearchParams (which would encode
 * them). The whole value carries `=` and `&`; the DATA encoding percent-encodes it intact.
 */
export function paytureReturnUrl(returnUrl: string, bindingId: string): string {
  const url = new URL(returnUrl);
  const hash = url.hash;
  url.hash = '';
  url.searchParams.delete('orderid');
  url.searchParams.delete('success');
  url.searchParams.set('binding', bindingId);
  return `${url.toString()}&orderid={orderid}&success={success}${hash}`;
}

/**
 * Decodes vwapi's DATA field (after the form layer decoded it once): `Key=Value;Key=Value`, split on
 * `;`, key from value at the FIRST `=` (a `Url` value holds `=` and `&`). Values are percent-decoded
 * once more, so Payture's own twice-encoded form and the once-encoded form both read the same; a value
 * that is not valid percent-encoding is kept as it came.
 */
export function decodeData(data: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of data.split(';')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    const value = at < 0 ? '' : pair.slice(at + 1);
    fields[key.trim()] = percentDecode(value);
  }
  return fields;
}

function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

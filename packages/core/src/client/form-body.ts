import type { FilledParam } from './fill-form-params.js';

/** The filled params as URLSearchParams (duplicates and order kept), for a GET query or a fetch body. */
export function toUrlSearchParams(filled: readonly FilledParam[]): URLSearchParams {
  const search = new URLSearchParams();
  for (const { name, value } of filled) search.append(name, value);
  return search;
}

// A surrogate pair, or a lone surrogate. No lookbehind: older Safari cannot even parse one.
const SURROGATES = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g;

/** Lone surrogates cannot be UTF-8 encoded; like URLSearchParams, send U+FFFD instead of throwing. */
function toWellFormed(text: string): string {
  return text.replace(SURROGATES, (match) => (match.length === 2 ? match : '\uFFFD'));
}

/** The form-urlencoded serialisation of one name or value, byte for byte what URLSearchParams produces. */
function encodeFormComponent(text: string): string {
  return encodeURIComponent(toWellFormed(text))
    .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * The filled params as an `application/x-www-form-urlencoded` body (UTF-8, as LitRes's form-params spec
 * requires), equal to `toUrlSearchParams(filled).toString()` but built by hand, because some React Native
 * versions ship an incomplete URLSearchParams.
 */
export function encodeFormBody(filled: readonly FilledParam[]): string {
  return filled
    .map(({ name, value }) => `${encodeFormComponent(name)}=${encodeFormComponent(value)}`)
    .join('&');
}

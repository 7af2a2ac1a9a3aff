import { describe, it, expect } from 'vitest';
import {
  canonicalSubstitute,
  cardFieldOf,
  CardField,
  OPTIONAL_SUBSTITUTES,
  REQUIRED_SUBSTITUTES,
} from '../../src/client/index.js';

describe('substitute vocabulary', () => {
  it('maps every canonical key to itself', () => {
    for (const key of [...REQUIRED_SUBSTITUTES, ...OPTIONAL_SUBSTITUTES])
      expect(canonicalSubstitute(key)).toBe(key);
  });

  it("resolves the aliases LitRes's example answer spells (zipcode, issuer)", () => {
    expect(canonicalSubstitute('zipcode')).toBe('zip');
    expect(canonicalSubstitute('issuer')).toBe('bank');
  });

  it('returns undefined for unknown keys, including prototype names and other cases', () => {
    for (const key of ['', 'pan', 'Number', 'ZIP', '__proto__', 'toString', 'constructor', ' name']) {
      expect(canonicalSubstitute(key)).toBeUndefined();
    }
  });

  it('reads every key but security_key from a card-form field of the same name', () => {
    for (const key of [...REQUIRED_SUBSTITUTES, ...OPTIONAL_SUBSTITUTES]) {
      expect(cardFieldOf(key)).toBe(key === 'security_key' ? undefined : key);
    }
    expect(CardField.options).toHaveLength(12);
  });
});

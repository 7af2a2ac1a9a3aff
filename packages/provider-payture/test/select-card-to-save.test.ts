import { describe, expect, it } from 'vitest';
import { cardFingerprint } from '../src/ref.js';
import { isEligible, selectCardToSave } from '../src/binding/select-card-to-save.js';
import { normaliseMaskedPan, toCardToken } from '../src/binding/card-token.js';
import { PaytureCard } from '../src/wire/payture-card.js';

function card(cardId: string, attributes: Record<string, string> = {}): PaytureCard {
  return PaytureCard.parse({
    CardId: cardId,
    CardName: '411111xxxxxx1111',
    CardHolder: 'IVAN IVANOV',
    Status: 'IsActive',
    NoCVV: 'false',
    Expired: 'false',
    ...attributes,
  });
}

const known = (...ids: string[]) => new Set(ids.map(cardFingerprint));

describe('selectCardToSave', () => {
  it('prefers a card that is new since the binding began over an older eligible one', () => {
    const cards = [card('old'), card('new')];
    expect(selectCardToSave(cards, { knownBefore: known('old') })?.cardId).toBe('new');
    // Even when a notification names the old one: a new card is what this session added.
    expect(selectCardToSave(cards, { knownBefore: known('old'), notifiedCardId: 'old' })?.cardId).toBe('new');
  });

  it('never saves a card the customer already had without a notification naming it (not Behind-API’s first eligible card)', () => {
    const cards = [card('inactive', { Status: 'NotActive' }), card('a'), card('b')];
    expect(selectCardToSave(cards, { knownBefore: known('inactive', 'a', 'b') })).toBeUndefined();
  });

  it('a notification saves only the already-known card it named, and only when eligible', () => {
    const cards = [card('a'), card('b'), card('c', { NoCVV: 'true' })];
    const before = known('a', 'b', 'c');
    expect(selectCardToSave(cards, { knownBefore: before, notifiedCardId: 'b' })?.cardId).toBe('b');
    expect(selectCardToSave(cards, { knownBefore: before, notifiedCardId: 'c' })).toBeUndefined();
    expect(selectCardToSave(cards, { knownBefore: before, notifiedCardId: 'forged' })).toBeUndefined();
  });

  it('among new cards, the one a notification named wins (another binding of the customer may have added the other)', () => {
    const cards = [card('other'), card('mine')];
    expect(selectCardToSave(cards, { knownBefore: known(), notifiedCardId: 'mine' })?.cardId).toBe('mine');
    expect(selectCardToSave(cards, { knownBefore: known(), notifiedCardId: 'forged' })?.cardId).toBe('other');
  });

  it.each([
    ['NoCVV=true', { NoCVV: 'true' }],
    ['Expired=true', { Expired: 'True' }],
    ['NotActive', { Status: 'NotActive' }],
    ['no Status', { Status: '' }],
  ])('skips a new card with %s', (_label, attributes) => {
    const cards = [card('bad', attributes), card('good')];
    expect(selectCardToSave(cards, { knownBefore: known() })?.cardId).toBe('good');
    expect(
      selectCardToSave([card('bad', attributes)], { knownBefore: known(), notifiedCardId: 'bad' }),
    ).toBeUndefined();
  });

  it('treats missing NoCVV/Expired as unknown, hence not eligible', () => {
    const bare = PaytureCard.parse({ CardId: 'x', CardName: '411111xxxxxx1111', Status: 'IsActive' });
    expect(isEligible(bare)).toBe(false);
  });

  it('nothing eligible → undefined', () => {
    expect(selectCardToSave([], { knownBefore: known(), notifiedCardId: 'x' })).toBeUndefined();
  });
});

describe('the saved card', () => {
  it('keeps CardId as the server-side token and shows the client only mask, holder, expiry, brand', () => {
    const token = toCardToken(
      card('e5dfa016-27e0-45bb-8167-44299642b529', { ExpMonth: '7', ExpYear: '2029', PaymentSystem: 'Visa' }),
    );
    expect(token).toEqual({
      token: 'e5dfa016-27e0-45bb-8167-44299642b529',
      display: { maskedPan: '411111******1111', holder: 'IVAN IVANOV', expiry: '07/29', brand: 'Visa' },
    });
    expect(JSON.stringify(token.display)).not.toContain('e5dfa016');
  });

  it('leaves out an expiry it cannot read', () => {
    expect(toCardToken(card('c', { ExpMonth: '13', ExpYear: '2029' })).display.expiry).toBeUndefined();
    expect(toCardToken(card('c', { ExpYear: '2029' })).display.expiry).toBeUndefined();
  });

  it('normalises Payture masks and masks a number that arrived unmasked', () => {
    expect(normaliseMaskedPan('411111xxxxxx1112')).toBe('411111******1112');
    expect(normaliseMaskedPan('220000XXXXXX0004')).toBe('220000******0004');
    expect(normaliseMaskedPan('411111******1111')).toBe('411111******1111');
    expect(normaliseMaskedPan('4111111111111111')).toBe('411111******1111');
  });
});

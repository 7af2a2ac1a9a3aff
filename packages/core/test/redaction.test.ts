import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CardBindingError,
  fieldTreatment,
  REDACTED,
  Redactor,
  Secret,
  maskPansInText,
  redact,
  redactText,
} from '../src/index.js';

// What Payture-like and PayOnline-like providers contribute through their modules (core names none).
const withProviders = new Redactor([
  { dropFields: ['DATA', 'VWUserPsw', 'CardId'], maskPanFields: [], patterns: [] },
  { dropFields: ['SecurityKey', 'RebillAnchor'], maskPanFields: [], patterns: [] },
]);

const PAN = '4111111111111111';

describe('Secret', () => {
  it('prints *** through every path a value gets printed', () => {
    const secret = new Secret('hunter2');
    expect(String(secret)).toBe('***');
    expect(`${secret}`).toBe('***');
    expect(JSON.stringify({ secret })).toBe('{"secret":"***"}');
    expect(inspect({ secret })).not.toContain('hunter2');
    expect(Object.values(secret)).toEqual([]);
    expect(secret.reveal()).toBe('hunter2');
  });

  it('cannot be revealed from a structured clone', () => {
    const clone: unknown = structuredClone(new Secret('hunter2'));
    expect(JSON.stringify(clone)).not.toContain('hunter2');
  });
});

describe('redactText', () => {
  it('masks Luhn-valid 13–19 digit runs and leaves other numbers', () => {
    expect(maskPansInText(`card ${PAN} ok`)).toBe('card 411111******1111 ok');
    expect(maskPansInText('card 4111 1111 1111 1111 ok')).toBe('card 411111******1111 ok');
    expect(maskPansInText('order 1234567890123')).toBe('order 1234567890123');
  });

  it('drops contributed and generic secret fields in form bodies, DATA, XML attributes and JSON', () => {
    expect(withProviders.redactText('VWID=MerchantAdd&DATA=VWUserLgn%3Dcustomer-1%3BVWUserPsw%3Dpw')).toBe(
      `VWID=MerchantAdd&DATA=${REDACTED}`,
    );
    expect(withProviders.redactText('VWUserLgn=customer-1;VWUserPsw=s3cret;IP=1.2.3.4')).toBe(
      `VWUserLgn=customer-1;VWUserPsw=${REDACTED};IP=1.2.3.4`,
    );
    expect(withProviders.redactText('<Item CardId="e5dfa016" CardName="411111xxxxxx1112"/>')).toBe(
      `<Item CardId="${REDACTED}" CardName="411111xxxxxx1112"/>`,
    );
    expect(
      withProviders.redactText(
        '<transaction><id>5923441</id><rebillAnchor>zayr9g0p</rebillAnchor><pareq>eJzV+/</pareq></transaction>',
      ),
    ).toBe(
      `<transaction><id>5923441</id><rebillAnchor>${REDACTED}</rebillAnchor><pareq>${REDACTED}</pareq></transaction>`,
    );
    expect(withProviders.redactText('{"CardCvv":"123","Amount":"1.00"}')).toBe(
      `{"CardCvv":"${REDACTED}","Amount":"1.00"}`,
    );
    expect(withProviders.redactText(`CardNumber=${PAN}&CardCvv=123&SecurityKey=abc`)).toBe(
      `CardNumber=411111******1111&CardCvv=${REDACTED}&SecurityKey=${REDACTED}`,
    );
  });

  it('drops secret fields wherever a key=value stands, in either quote, JSON numbers and XML variants', () => {
    expect(withProviders.redactText('failed(VWUserPsw=pw-1;IP=1.2.3.4) at x:Password=pw-2')).toBe(
      `failed(VWUserPsw=${REDACTED};IP=1.2.3.4) at x:Password=${REDACTED}`,
    );
    expect(withProviders.redactText(`<Add Password='pw-3' SecureCode="737"/>`)).toBe(
      `<Add Password='${REDACTED}' SecureCode="${REDACTED}"/>`,
    );
    expect(withProviders.redactText('{"CardCvv":737,"Amount":1.5,"password":"a\\"b"}')).toBe(
      `{"CardCvv":"${REDACTED}","Amount":1.5,"password":"${REDACTED}"}`,
    );
    expect(
      withProviders.redactText(
        '<p:pareq enc="b64"><![CDATA[eJzV+/]]></p:pareq><rebillAnchor>zayr9g0p</rebillAnchor>',
      ),
    ).toBe(`<p:pareq enc="b64">${REDACTED}</p:pareq><rebillAnchor>${REDACTED}</rebillAnchor>`);
  });

  it("names no provider's wire fields itself: those come with the provider's module", () => {
    for (const name of ['VWUserPsw', 'DATA', 'CardId', 'SecurityKey', 'PrivateSecurityKey', 'RebillAnchor']) {
      expect(fieldTreatment(name)).toBe('keep');
    }
    for (const name of [
      'cvv',
      'password',
      'terminal_password',
      'Authorization',
      'X-Api-Key',
      'access_token',
      'PaRes',
    ]) {
      expect(fieldTreatment(name)).toBe('drop');
    }
  });

  it("masks a provider's token named plainly id, or standing in a URL path, by its contributed rules", () => {
    const rules = new Redactor([
      { dropFields: ['id'], maskPanFields: ['acct'], patterns: [/\/payment_methods\/(pm_\w+)/, /whsec_\w+/] },
    ]);
    expect(rules.redact({ id: 'pm_123', bindingId: 'bnd_1', acct: '4111111111111111' })).toEqual({
      id: REDACTED,
      bindingId: 'bnd_1',
      acct: '411111******1111',
    });
    expect(
      rules.redactText('GET /v1/payment_methods/pm_9x2 then /v1/payment_methods/pm_7 with whsec_abc'),
    ).toBe(`GET /v1/payment_methods/${REDACTED} then /v1/payment_methods/${REDACTED} with ${REDACTED}`);
    // The same rules again: a stateful global regex must not skip matches between calls.
    expect(rules.redactText('/payment_methods/pm_1')).toBe(`/payment_methods/${REDACTED}`);
  });

  it('drops the password of a URL with credentials, keeping the user and the host', () => {
    expect(redactText('connect ECONNREFUSED postgres://app:s3cr%3At@db.internal:5432/cardbind')).toBe(
      `connect ECONNREFUSED postgres://app:${REDACTED}@db.internal:5432/cardbind`,
    );
    expect(redactText('see https://user:pa55@host.example/x and postgresql://:only@h/db')).toBe(
      `see https://user:${REDACTED}@host.example/x and postgresql://:${REDACTED}@h/db`,
    );
    expect(redactText('https://host.example/path?x=1 and mailto:a@b')).toBe(
      'https://host.example/path?x=1 and mailto:a@b',
    );
  });

  it('never lets a Luhn-valid PAN through, wherever it stands (property)', () => {
    // The check digit is computed here, not found by asking the code under test which number it masks.
    const luhnPan = fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 18 })
      .map((digits) => {
        const sum = digits
          .slice()
          .reverse()
          .reduce(
            (acc, digit, i) => acc + (i % 2 === 0 ? (digit * 2 > 9 ? digit * 2 - 9 : digit * 2) : digit),
            0,
          );
        return digits.join('') + String((10 - (sum % 10)) % 10);
      });
    fc.assert(
      fc.property(fc.string(), luhnPan, fc.string(), (before, pan, after) => {
        const text = `${before.replace(/\d/g, 'x')} ${pan} ${after.replace(/\d/g, 'x')}`;
        expect(redactText(text)).not.toContain(pan);
      }),
    );
  });
});

describe('redact', () => {
  it('walks objects: secrets, secret fields, PANs, errors and cycles', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const out = redact({
      password: 'pw',
      terminalPassword: new Secret('tp'),
      nested: { cardNumber: PAN, note: `paid with ${PAN}`, cvv: '123' },
      error: new CardBindingError('PROVIDER_REJECTED', 'No', { providerCode: 'X', cause: new Error(PAN) }),
      foreign: new Error(`boom ${PAN}`),
      cyclic,
    });
    const text = JSON.stringify(out);
    for (const secret of ['pw', 'tp', PAN, '"123"']) expect(text).not.toContain(secret);
    expect(out).toMatchObject({
      password: REDACTED,
      terminalPassword: REDACTED,
      nested: { cardNumber: '411111******1111', note: 'paid with 411111******1111', cvv: REDACTED },
      error: { code: 'PROVIDER_REJECTED', providerCode: 'X' },
      cyclic: { self: '[circular]' },
    });
  });
});

describe('redact of provider-built values', () => {
  it('redacts the message of a CardBindingError and big integers', () => {
    const out = withProviders.redact({
      error: new CardBindingError('PROVIDER_REJECTED', `Payture said VWUserPsw=pw-9 for ${PAN}`),
      big: BigInt(PAN),
      cardNumber: BigInt(PAN),
    });
    const text = JSON.stringify(out);
    for (const secret of [PAN, 'pw-9']) expect(text).not.toContain(secret);
    expect(out).toMatchObject({
      error: {
        code: 'PROVIDER_REJECTED',
        message: `Payture said VWUserPsw=${REDACTED} for 411111******1111`,
      },
      big: '411111******1111',
      cardNumber: '411111******1111',
    });
  });
});

describe('redactingLogger', () => {
  it('redacts the message string as well as the object', async () => {
    const { redactingLogger } = await import('../src/index.js');
    const lines: string[] = [];
    const log = (obj: Record<string, unknown>, msg?: string) =>
      void lines.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
    const logger = redactingLogger({ debug: log, info: log, warn: log, error: log }, withProviders);
    logger.info({ password: 'pw-1' }, `saved card ${PAN} for VWUserPsw=pw-2`);
    expect(lines[0]).toContain('411111******1111');
    for (const secret of [PAN, 'pw-1', 'pw-2']) expect(lines[0]).not.toContain(secret);
  });
});

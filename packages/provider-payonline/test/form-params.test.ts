import { cardBindingModule, CardBindingError, CardBindingService, parseConfig, Secret } from '@cardbind/core';
import { fillFormParams } from '@cardbind/core/client';
import { ManualClock, SequentialIdGenerator, TEST_CARDS } from '@cardbind/testing';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { PayOnlineConfig, type PayOnlineConfigInput, payonlineModule } from '../src/index.js';
import { authSecurityKey, termUrlToken } from '../src/wire/security-key.js';
import { orderIdFor } from '../src/binding/order-id.js';
import { cardInputOf, CUSTOMER, formAction, PRIVATE_KEY } from './harness.js';

const BASE = {
  merchantId: '70001',
  privateSecurityKey: PRIVATE_KEY,
  termUrl: 'https://shop.example.test/payonline/3ds',
} satisfies PayOnlineConfigInput;

function serviceWith(
  config: Partial<PayOnlineConfigInput> = {},
  clock = new ManualClock(Date.UTC(2026, 0, 15)),
) {
  const container = new Container();
  container.load(
    cardBindingModule({ clock, ids: new SequentialIdGenerator() }),
    payonlineModule({ ...BASE, ...config }),
  );
  return container.get(CardBindingService);
}

describe('the form NextAction of init', () => {
  it('lists exactly the documented params: signed order fields, then card substitutes, in order', async () => {
    const service = serviceWith();
    const binding = await service.start({ provider: 'payonline', customer: CUSTOMER });
    const action = formAction(binding.nextAction);
    const orderId = orderIdFor(binding.id);
    expect(action).toEqual({
      type: 'form',
      url: 'https://secure.payonlinesystem.com/payment/transaction/auth/',
      method: 'POST',
      processor: { name: 'PayOnline', homepage: 'https://payonline.ru/' },
      orderId,
      // The order, and a token only the host can make for it (see the term_url tests in security.test.ts).
      termUrl: `https://shop.example.test/payonline/3ds?order=${orderId}&token=${termUrlToken(orderId, new Secret(PRIVATE_KEY))}`,
      params: [
        { name: 'MerchantId', value: '70001' },
        { name: 'OrderId', value: orderId },
        { name: 'Amount', value: '1.00' },
        { name: 'Currency', value: 'RUB' },
        {
          name: 'SecurityKey',
          value: authSecurityKey(
            { merchantId: '70001', orderId, amount: '1.00', currency: 'RUB' },
            new Secret(PRIVATE_KEY),
          ),
        },
        { name: 'ContentType', value: 'text' },
        { name: 'Ip', value: CUSTOMER.ip },
        { name: 'CardHolderName', value: '', substitute: 'name' },
        { name: 'CardNumber', value: '', substitute: 'number' },
        { name: 'CardExpDate', value: '', substitute: 'expires' },
        { name: 'CardCvv', value: '', substitute: 'cvv' },
        { name: 'Email', value: '', substitute: 'mail' },
        { name: 'Country', value: '', substitute: 'country' },
      ],
    });
    expect(binding.expiresAt.getTime() - binding.createdAt.getTime()).toBe(5 * 60_000);
  });

  it('adds requested optional fields (and only those) in a fixed order, and leaves Ip out when unknown', async () => {
    const service = serviceWith({
      requestedFields: ['issuer', 'city', 'zip'],
      contentType: 'xml',
      verificationAmount: '11.00',
      currency: 'USD',
    });
    const binding = await service.start({ provider: 'payonline', customer: { id: 'cust-2' } });
    const params = formAction(binding.nextAction).params;
    expect(params.map((param) => [param.name, param.substitute ?? param.value])).toEqual([
      ['MerchantId', '70001'],
      ['OrderId', orderIdFor(binding.id)],
      ['Amount', '11.00'],
      ['Currency', 'USD'],
      ['SecurityKey', expect.stringMatching(/^[0-9a-f]{32}$/)],
      ['ContentType', 'xml'],
      ['CardHolderName', 'name'],
      ['CardNumber', 'number'],
      ['CardExpDate', 'expires'],
      ['CardCvv', 'cvv'],
      ['Email', 'mail'],
      ['Country', 'country'],
      ['City', 'city'],
      ['Zip', 'zip'],
      ['Issuer', 'bank'],
    ]);
  });

  it('fills into the exact request the app sends: names kept, substitutes replaced, nothing added', async () => {
    const service = serviceWith({ requestedFields: ['city'] });
    const binding = await service.start({ provider: 'payonline', customer: CUSTOMER });
    const action = formAction(binding.nextAction);
    const filled = fillFormParams(
      action,
      cardInputOf(TEST_CARDS.success, { city: 'Kazan', phone: '+7 900' }),
      {
        now: () => new Date(Date.UTC(2026, 0, 15)),
      },
    );
    expect(filled.map((param) => param.name)).toEqual(action.params.map((param) => param.name));
    expect(Object.fromEntries(filled.map((param) => [param.name, param.value]))).toMatchObject({
      CardHolderName: TEST_CARDS.success.holder,
      CardNumber: TEST_CARDS.success.number,
      CardExpDate: TEST_CARDS.success.expires,
      CardCvv: TEST_CARDS.success.cvv,
      Country: 'RU',
      City: 'Kazan',
    });
    // The phone was typed but not asked for: it must not be sent.
    expect(filled.some((param) => param.name === 'Phone')).toBe(false);
  });

  it('issues a fresh order and term_url for every binding', async () => {
    const service = serviceWith();
    const first = formAction((await service.start({ provider: 'payonline', customer: CUSTOMER })).nextAction);
    const second = formAction(
      (await service.start({ provider: 'payonline', customer: CUSTOMER })).nextAction,
    );
    expect(second.orderId).not.toBe(first.orderId);
    expect(second.termUrl).not.toBe(first.termUrl);
    expect(second.params.find((param) => param.name === 'SecurityKey')?.value).not.toBe(
      first.params.find((param) => param.name === 'SecurityKey')?.value,
    );
  });
});

describe('order ids', () => {
  it('are at most 50 safe characters and stay distinct for ids that had to be changed', () => {
    expect(orderIdFor('bnd_AbC-12_x')).toBe('cb-bnd_AbC-12_x');
    const long = orderIdFor(`bnd_${'x'.repeat(80)}`);
    expect(long.length).toBeLessThanOrEqual(50);
    expect(long).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(orderIdFor('a/b')).not.toBe(orderIdFor('a-b'));
    expect(orderIdFor('a/b')).toMatch(/^[A-Za-z0-9_-]{1,50}$/);
  });
});

describe('payonlineModule configuration', () => {
  /** What payonlineModule does first; used directly so ill-typed input can be tried. */
  function configError(config: Record<string, unknown>): CardBindingError {
    try {
      parseConfig(PayOnlineConfig, { ...BASE, ...config }, 'payonlineModule');
    } catch (error) {
      if (error instanceof CardBindingError) return error;
      throw error;
    }
    throw new Error('the configuration was accepted');
  }

  it.each([
    [{ baseUrl: 'http://secure.payonlinesystem.com' }, 'baseUrl'],
    [{ termUrl: 'http://shop.example.test/3ds' }, 'termUrl'],
    [{ baseUrl: 'http://127.0.0.1:9' }, 'baseUrl'],
    [{ merchantId: 'abc' }, 'merchantId'],
    [{ privateSecurityKey: '' }, 'privateSecurityKey'],
    [{ verificationAmount: '1' }, 'verificationAmount'],
    [{ currency: 'rub' }, 'currency'],
    [{ requestedFields: ['shoe-size'] }, 'requestedFields.0'],
  ])('refuses %j with CONFIG_INVALID naming %s', (bad, field) => {
    const error = configError(bad);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.field).toBe(field);
  });

  it('fails when the module is created, before any container loads', () => {
    expect(() => payonlineModule({ ...BASE, termUrl: 'http://shop.example.test/3ds' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', field: 'termUrl' }),
    );
  });

  it('accepts loopback http only when allowed, and never repeats the private key', () => {
    expect(() =>
      payonlineModule({
        ...BASE,
        baseUrl: 'http://127.0.0.1:9',
        termUrl: 'http://localhost:8/3ds',
        allowLoopbackHttp: true,
      }),
    ).not.toThrow();
    const error = configError({ privateSecurityKey: 42, merchantId: PRIVATE_KEY });
    expect(JSON.stringify(error)).not.toContain(PRIVATE_KEY);
    expect(error.message).not.toContain(PRIVATE_KEY);
  });
});

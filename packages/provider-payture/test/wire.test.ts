import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { CardBindingError, createHttpClient, Secret } from '@cardbind/core';
import { decodeData } from '@cardbind/testing';
import { parseAnswer } from '../src/wire/answer.js';
import { encodeData, type PaytureCommand } from '../src/wire/request.js';
import { PaytureClient } from '../src/commands/payture-client.js';
import { paytureReturnUrl } from '../src/binding/return-url.js';

const BASE = 'https://sandbox3.payture.test';
const credentials = { login: 'customer-42', password: new Secret('pa55w0rd') };

function client(): PaytureClient {
  return new PaytureClient({
    baseUrl: BASE,
    addTerminal: 'MerchantAdd',
    http: createHttpClient({ name: 'payture', retries: 0 }),
  });
}

function xmlReply(body: string) {
  return [200, body, { 'content-type': 'text/xml; charset=utf-8' }] as const;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('DATA encoding', () => {
  it('sends Init with exactly the bytes of Payture’s sample: values percent-encoded, joined by ;, form-encoded again', async () => {
    let body = '';
    let contentType = '';
    nock(BASE)
      .post('/vwapi/Init')
      .reply(function (_uri, requestBody) {
        body = typeof requestBody === 'string' ? requestBody : JSON.stringify(requestBody);
        contentType = String(this.req.headers['content-type']);
        return xmlReply(
          '<Init Success="True" SessionId="36a02faf-ae1b-443b-8fcc-188614390a91" SessionType="Add" />',
        );
      });
    const result = await client().initAddSession({
      credentials,
      ip: '203.0.113.7',
      url: paytureReturnUrl('https://shop.example.test/return', 'bnd_1'),
      templateTag: 'Mobile',
      language: 'RU',
      orderId: 'bnd_1',
      amount: 1000,
    });
    expect(result.sessionId).toBe('36a02faf-ae1b-443b-8fcc-188614390a91');
    expect(contentType).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(body).toBe(
      'VWID=MerchantAdd&DATA=SessionType%3DAdd%3BVWUserLgn%3Dcustomer-42%3BVWUserPsw%3Dpa55w0rd%3BIP%3D203.0.113.7' +
        '%3BUrl%3Dhttps%253A%252F%252Fshop.example.test%252Freturn%253Fbinding%253Dbnd_1%2526orderid%253D%257Borderid%257D%2526success%253D%257Bsuccess%257D' +
        '%3BTemplateTag%3DMobile%3BLanguage%3DRU%3BOrderId%3Dbnd_1%3BAmount%3D1000',
    );
    // The server's reading (split on ;, key at the first =, decode) gives the Url back intact.
    const data = new URLSearchParams(body).get('DATA') ?? '';
    expect(decodeData(data)['Url']).toBe(
      'https://shop.example.test/return?binding=bnd_1&orderid={orderid}&success={success}',
    );
  });

  it('leaves out undefined values and reveals a Secret only in the DATA string', () => {
    expect(encodeData({ A: 'x y', B: undefined, C: new Secret('s=1&2'), D: 5 })).toBe(
      'A=x%20y;C=s%3D1%262;D=5',
    );
  });

  it('refuses a value with ";" naming the field, never the value', () => {
    const error = (() => {
      try {
        encodeData({ VWUserLgn: 'customer-1', VWUserPsw: new Secret('top;secret') });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CardBindingError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', field: 'VWUserPsw' });
    expect(JSON.stringify(error) + String(error)).not.toContain('top;secret');
  });

  it('builds the return Url with the binding and literal lower-case placeholders', () => {
    expect(paytureReturnUrl('https://shop.example.test/r?x=1&success=forged#frag', 'bnd_9')).toBe(
      'https://shop.example.test/r?x=1&binding=bnd_9&orderid={orderid}&success={success}#frag',
    );
  });
});

describe('answers: XML variants', () => {
  const getList = async (body: string) => {
    nock(BASE)
      .post('/vwapi/GetList')
      .reply(...xmlReply(body));
    return client().getList(credentials);
  };

  it('reads Success and booleans case-insensitively', async () => {
    for (const [success, flag] of [
      ['True', 'false'],
      ['true', 'FALSE'],
      ['TRUE', 'False'],
    ]) {
      const list = await getList(
        `<GetList Success="${success}" VWUserLgn="customer-42"><Item CardName="411111xxxxxx1111" CardId="c1" Status="isactive" NoCVV="${flag}" Expired="${flag}"/></GetList>`,
      );
      expect(list.cards).toEqual([
        expect.objectContaining({ cardId: 'c1', active: true, noCvv: false, expired: false }),
      ]);
    }
  });

  it('reads zero, one and many Items, with an XML declaration, extra attributes and nested Params', async () => {
    expect((await getList('<GetList Success="True" VWUserLgn="customer-42" />')).cards).toEqual([]);
    expect(
      (await getList('<?xml version="1.0" encoding="utf-8"?><GetList Success="True"></GetList>')).cards,
    ).toEqual([]);
    const one = await getList(
      '<GetList Success="True"><Item CardId="c1" CardName="411111xxxxxx1111" NewThing="x"/></GetList>',
    );
    expect(one.cards.map((card) => card.cardId)).toEqual(['c1']);
    // The recorded sandbox answer (droff/payture-ewallet get_list_success.yml), attributes reordered.
    const many = await getList(`<GetList Success="True" VWUserLgn="123@ya.ru">
        <Item CardName="411111xxxxxx1112" CardId="e5dfa016-27e0-45bb-8167-44299642b529"
          CardHolder="Ivan Ivanov" Status="NotActive" NoCVV="false" Expired="false"
          ExpMonth="12" ExpYear="2022" PaymentSystem="Visa"/>
        <Item Expired="false" NoCVV="true" Status="IsActive" CardHolder="Ivan Ivanov"
          CardId="001f2def-64e9-4cef-ae02-aa2bd9508a8b" CardName="411111xxxxxx1111">
            <Param Key="LastSuccess" Value="2014.06.24 12:42:14"/>
            <Param Key="LastLessSecureCode:VWMerchantTest" Value="True"/>
        </Item>
        <Item CardName="550000xxxxxx0004" CardId="third"/>
      </GetList>`);
    expect(many.cards).toEqual([
      {
        cardId: 'e5dfa016-27e0-45bb-8167-44299642b529',
        cardName: '411111xxxxxx1112',
        holder: 'Ivan Ivanov',
        active: false,
        noCvv: false,
        expired: false,
        expMonth: '12',
        expYear: '2022',
        paymentSystem: 'Visa',
      },
      expect.objectContaining({ cardId: '001f2def-64e9-4cef-ae02-aa2bd9508a8b', active: true, noCvv: true }),
      // Missing flags stay unknown (undefined), which the card selection treats as not eligible.
      expect.objectContaining({ cardId: 'third', active: false, noCvv: undefined, expired: undefined }),
    ]);
  });

  it('leaves out an Item without CardId instead of failing the list', async () => {
    const list = await getList(
      '<GetList Success="True"><Item CardName="411111xxxxxx1111"/><Item/><Item CardId="c2" CardName="411111xxxxxx2222"/></GetList>',
    );
    expect(list).toMatchObject({ unreadable: 2, cards: [expect.objectContaining({ cardId: 'c2' })] });
  });

  it('decodes XML entities in attributes', async () => {
    const list = await getList(
      '<GetList Success="True"><Item CardId="c1" CardName="411111xxxxxx1111" CardHolder="O&apos;NEIL &amp; SON"/></GetList>',
    );
    expect(list.cards[0]?.holder).toBe("O'NEIL & SON");
  });

  it('Init answers: Behind-API’s SessionLifeTime and AttemptsCount are read, missing ones tolerated', async () => {
    nock(BASE)
      .post('/vwapi/Init')
      .reply(
        ...xmlReply(
          '<Init Success="True" Amount="1000" SessionLifeTime="20" AttemptsCount="5" SessionId="38ff74a9-c37c-42ba-a38a-bca05afecfc9" SessionType="Add" OrderId="o1"/>',
        ),
      );
    expect(await client().initAddSession({ credentials, ip: '1.2.3.4' })).toEqual({
      sessionId: '38ff74a9-c37c-42ba-a38a-bca05afecfc9',
      sessionLifetimeMinutes: 20,
      attemptsCount: 5,
      orderId: 'o1',
    });
  });
});

describe('answers that are not vwapi', () => {
  const unavailable = { code: 'PROVIDER_UNAVAILABLE', retryable: true };
  const cases: [string, number, string, Record<string, unknown>][] = [
    ['an HTML page', 200, '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>', unavailable],
    ['an empty body', 200, '', unavailable],
    ['whitespace only', 200, '  \n', unavailable],
    ['"This is not XML"', 200, 'This is not XML', unavailable],
    ['truncated XML', 200, '<GetList Success="True" VWUserLgn="cu', unavailable],
    ['another root element', 200, '<Check Success="True" />', unavailable],
    ['two root elements', 200, '<GetList Success="True" /><GetList Success="True" />', unavailable],
    // What a lenient parser reads as a GetList (fast-xml-parser without its validator did): one pass
    // of the provider's XML reader must refuse each.
    ['a root closed by another name', 200, '<GetList Success="True"></Check>', unavailable],
    ['an Item never closed', 200, '<GetList Success="True"><Item CardId="c1"></GetList>', unavailable],
    ['an attribute given twice', 200, '<GetList Success="False" Success="True" />', unavailable],
    ['an unquoted attribute', 200, '<GetList Success=True />', unavailable],
    ['text after the root', 200, '<GetList Success="True" /> and more', unavailable],
    ['no Success attribute', 200, '<GetList VWUserLgn="customer-42" />', unavailable],
    ['a Success that is no boolean', 200, '<GetList Success="Yes" />', unavailable],
    ['HTTP 500', 500, '<GetList Success="True" />', { ...unavailable, providerCode: 'HTTP_500' }],
    [
      'HTTP 404',
      404,
      'Not Found',
      { code: 'PROVIDER_UNAVAILABLE', providerCode: 'HTTP_404', retryable: false },
    ],
  ];
  it.each(cases)('%s → PROVIDER_UNAVAILABLE', async (_label, status, body, expected) => {
    nock(BASE).post('/vwapi/GetList').reply(status, body, { 'content-type': 'text/plain' });
    const error = await client()
      .getList(credentials)
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CardBindingError);
    expect(error).toMatchObject(expected);
    // Never the body in the message.
    if (body.trim() !== '') expect(String(error)).not.toContain(body.trim().slice(0, 20));
  });

  it('Init without a SessionId (or with one unfit for a URL) is refused, not passed on', async () => {
    for (const attributes of ['', ' SessionId=""', ' SessionId="a b&c=d"']) {
      nock(BASE)
        .post('/vwapi/Init')
        .reply(...xmlReply(`<Init Success="True"${attributes} />`));
      await expect(client().initAddSession({ credentials, ip: '1.2.3.4' })).rejects.toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
      });
    }
  });

  it('parseAnswer reads a failure with its ErrCode, and one without as NONE', () => {
    const read = (command: PaytureCommand, body: string) => parseAnswer(command, { statusCode: 200, body });
    expect(read('Init', '<Init Success="False" ErrCode="DUPLICATE_ORDER_ID" />')).toMatchObject({
      success: false,
      errCode: 'DUPLICATE_ORDER_ID',
    });
    expect(read('Init', '<Init Success="false"/>')).toMatchObject({ success: false, errCode: 'NONE' });
    expect(read('Init', '<Init Success="False" ErrCode=""/>')).toMatchObject({
      success: false,
      errCode: 'NONE',
    });
  });

  it('an empty or NONE ErrCode on a success does not make the answer unreadable', () => {
    const read = (body: string) => parseAnswer('GetList', { statusCode: 200, body });
    expect(read('<GetList Success="True" ErrCode="" />')).toMatchObject({ success: true, items: [] });
    expect(read('<GetList Success="True" ErrCode="NONE" />')).toMatchObject({ success: true, items: [] });
  });
});

describe('commands and ErrCodes of both generations', () => {
  it.each(['CUSTOMER_NOT_FOUND', 'USER_NOT_FOUND'])('Check: %s means "not registered"', async (code) => {
    nock(BASE)
      .post('/vwapi/Check')
      .reply(...xmlReply(`<Check Success="False" ErrCode="${code}" />`));
    expect(await client().check(credentials)).toBe(false);
  });

  it.each(['DUPLICATE_CUSTOMER', 'DUPLICATE_USER'])('Register: %s counts as success', async (code) => {
    nock(BASE)
      .post('/vwapi/Register')
      .reply(...xmlReply(`<Register Success="False" ErrCode="${code}" />`));
    await expect(client().register(credentials)).resolves.toBeUndefined();
  });

  it('Register sends the phone as digits and the email', async () => {
    let data = '';
    nock(BASE)
      .post('/vwapi/Register')
      .reply((_uri, body) => {
        data = new URLSearchParams(String(body)).get('DATA') ?? '';
        return xmlReply('<Register Success="True" VWUserLgn="customer-42" />');
      });
    await client().register(credentials, { phone: '+7 (900) 123-45-67', email: 'ivan@example.test' });
    expect(decodeData(data)).toEqual({
      VWUserLgn: 'customer-42',
      VWUserPsw: 'pa55w0rd',
      PhoneNumber: '79001234567',
      Email: 'ivan@example.test',
    });
  });

  it('Check with the wrong password is ACCESS_DENIED → PROVIDER_REJECTED', async () => {
    nock(BASE)
      .post('/vwapi/Check')
      .reply(...xmlReply('<Check Success="False" ErrCode="ACCESS_DENIED" />'));
    await expect(client().check(credentials)).rejects.toMatchObject({
      code: 'PROVIDER_REJECTED',
      providerCode: 'ACCESS_DENIED',
      retryable: false,
    });
  });

  it('Remove: CARD_NOT_FOUND means already gone', async () => {
    nock(BASE)
      .post('/vwapi/Remove')
      .reply(...xmlReply('<Remove Success="False" ErrCode="CARD_NOT_FOUND" />'));
    expect(await client().remove(credentials, 'c1')).toBe('already_gone');
  });

  it('an unknown ErrCode is kept raw in providerCode', async () => {
    nock(BASE)
      .post('/vwapi/Init')
      .reply(...xmlReply('<Init Success="False" ErrCode="BRAND_NEW_CODE" />'));
    await expect(client().initAddSession({ credentials, ip: '1.2.3.4' })).rejects.toMatchObject({
      code: 'PROVIDER_REJECTED',
      providerCode: 'BRAND_NEW_CODE',
      retryable: false,
    });
  });

  it('Delete needs the terminal password', async () => {
    await expect(client().deleteCustomer('customer-42')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      field: 'terminalPassword',
    });
  });
});

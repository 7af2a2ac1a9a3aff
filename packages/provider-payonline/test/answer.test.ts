import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpretAuthAnswer, readAnswerRecords, readOperationAnswer } from '../src/wire/answer.js';

/** Recorded by PayOnline's node-payonline (tmp.txt): a successful Auth with its lower-case keys. */
const RECORDED_OK =
  'Id=5923441&Operation=Auth&Result=Ok&Code=200&Status=PreAuthorized&rebillAnchor=zayr9g0pAftxg-z4.RKugb8kJ3VZGydSLT6y71R5PpE=&binCountry=US';

/** PayOnline's doc, "3DS method": the XML Auth answer with two `errorCode` elements and a wrapped PaReq. */
const DOC_3DS_XML = `<transaction>
\t<id>1015368</id>
\t<operation>Auth</operation>
\t<result>Error</result>
\t<status>Awaiting3DAuthentication</status>
\t<code>6001</code>
\t<errorCode>6001</errorCode>
\t<errorCode>4</errorCode>
\t<threedSecure>
\t\t<pareq>
\t\t\teJxVUctuwkAM/BXEtRL7SHgUGUsUUMuBiLZQqcdosUjaJiSbTQv9+nrDqxwiecbe8WQMq8QSTV/J
\t\t\t1JYQFlRV8ZZa6WbUVlJ1g15PSqnbCMvxC5UI32SrdJej6siOBnGG/NCaJM4dQmzKh3mEodah7oI4
\t\t\tPADhJcTpRBxKc0Subo77BwN5ohE=
\t\t</pareq>
\t\t<acsurl>https://dropit.3dsecure.net:9443/PIT/ACS</acsurl>
\t\t<pd>OXf4nrsM4Oi0N7TbFRrQZdbaFQ8M0Dc0WGZUOdBPZ3C2NXIrKlKObWBLTtzeknQY</pd>
\t</threedSecure>
\t<binCountry></binCountry>
</transaction>`;

describe('reading PayOnline answers', () => {
  it('reads the recorded Auth answer, keeping the anchor (and its trailing =) intact', () => {
    expect(interpretAuthAnswer(readOperationAnswer(RECORDED_OK))).toEqual({
      kind: 'accepted',
      transactionId: '5923441',
      status: 'PreAuthorized',
      rebillAnchor: 'zayr9g0pAftxg-z4.RKugb8kJ3VZGydSLT6y71R5PpE=',
    });
  });

  it('matches keys and values without regard to case', () => {
    const shouted = 'ID=7&OPERATION=AUTH&RESULT=OK&CODE=200&STATUS=PENDING&RebillAnchor=abc%2Bdef';
    expect(interpretAuthAnswer(readOperationAnswer(shouted))).toEqual({
      kind: 'accepted',
      transactionId: '7',
      status: 'Pending',
      rebillAnchor: 'abc+def',
    });
  });

  it("reads the doc's XML 3-D Secure answer: PaReq unwrapped, the class ErrorCode (4) chosen", () => {
    const answer = readOperationAnswer(DOC_3DS_XML);
    expect(answer.kind === 'transaction' && answer.answer.errorCodes).toEqual(['6001', '4']);
    const outcome = interpretAuthAnswer(answer);
    expect(outcome).toMatchObject({
      kind: '3ds',
      transactionId: '1015368',
      acsUrl: 'https://dropit.3dsecure.net:9443/PIT/ACS',
      pd: 'OXf4nrsM4Oi0N7TbFRrQZdbaFQ8M0Dc0WGZUOdBPZ3C2NXIrKlKObWBLTtzeknQY',
    });
    expect(outcome.kind === '3ds' && outcome.paReq).toMatch(/^eJxVUctu\S+PADhJcTpRBxKc0Subo77BwN5ohE=$/);
  });

  it('reads a text 6001 with raw base64 (+ and / unencoded) and the ACSUrl spelling', () => {
    const outcome = interpretAuthAnswer(
      readOperationAnswer(
        'Id=9&Operation=Auth&Result=Error&Code=6001&Status=Awaiting3DAuthentication&ErrorCode=6001' +
          '&PaReq=+/+/abc==&ACSUrl=https%3A%2F%2Facs.bank.test%2Fpit&PD=+/Zm9v',
      ),
    );
    expect(outcome).toEqual({
      kind: '3ds',
      transactionId: '9',
      acsUrl: 'https://acs.bank.test/pit',
      paReq: '+/+/abc==',
      pd: '+/Zm9v',
    });
  });

  it('reads declines with their Code and ErrorCode, in text and XML', () => {
    expect(
      interpretAuthAnswer(
        readOperationAnswer('Id=5&Operation=Auth&Result=Error&Code=5205&Status=Declined&ErrorCode=3'),
      ),
    ).toEqual({ kind: 'declined', transactionId: '5', code: '5205', errorCode: '3' });
    expect(
      interpretAuthAnswer(
        readOperationAnswer(
          '<?xml version="1.0"?><transaction><id>5</id><result>Error</result><code>5411</code>' +
            '<status>Declined</status><errorCode>3</errorCode></transaction>',
        ),
      ),
    ).toEqual({ kind: 'declined', transactionId: '5', code: '5411', errorCode: '3' });
  });

  it('reads format errors (Code&Message and <error>) as refusals with the code', () => {
    expect(readOperationAnswer('Code=4024&Message=Incorrect+security+key')).toEqual({
      kind: 'format-error',
      error: { code: '4024', message: 'Incorrect+security+key' },
    });
    expect(
      readOperationAnswer('<error><code>4027</code><message>Incorrect merchant</message></error>'),
    ).toEqual({
      kind: 'format-error',
      error: { code: '4027', message: 'Incorrect merchant' },
    });
    expect(interpretAuthAnswer(readOperationAnswer('Code=4024&Message=x'))).toEqual({
      kind: 'declined',
      code: '4024',
    });
  });

  it.each([
    ['an HTML error page', '<!DOCTYPE html><html><head><title>502</title></head><body>Bad</body></html>'],
    ['a load balancer page', '<html><body><h1>503 Service Unavailable</h1></body></html>'],
    ['truncated XML', '<?xml version="1.0"?>\n<transaction>\n<id>59'],
    ['plain text', 'This is not XML'],
    ['a key without a value separator', 'Id=&Operation=Auth&Result'],
    ['an empty body', ''],
    ['a 6001 without its 3-DS data', 'Id=1&Result=Error&Code=6001&Status=Awaiting3DAuthentication'],
    ['a non-numeric transaction id', 'Id=abc&Result=Ok&Code=200'],
    ['two records', 'Id=1&Result=Ok\nId=2&Result=Ok'],
    ['an XML entity bomb', '<!DOCTYPE t [<!ENTITY a "aaaa">]><transaction><id>&a;</id></transaction>'],
  ])('refuses %s as PROVIDER_UNAVAILABLE (retryable), without quoting it', (_name, body) => {
    let thrown: unknown;
    try {
      interpretAuthAnswer(readOperationAnswer(body));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      retryable: true,
      providerCode: 'UNREADABLE_ANSWER',
    });
    if (body.length > 4) expect(String(thrown)).not.toContain(body.slice(0, 12));
  });

  it('reads Search answers: empty means nothing, lines and XML records are payments', () => {
    expect(readAnswerRecords('')).toEqual([]);
    expect(readAnswerRecords('  \r\n')).toEqual([]);
    const records = readAnswerRecords(
      'TransactionId=1&Amount=1.00&Currency=RUB&Order=o-1&DateTime=2026-01-15%2009%3A00%3A00&Status=Pending\n' +
        'TransactionId=2&Amount=1.00&Currency=RUB&Order=o-1&DateTime=2026-01-15+09:00:01&Status=Settled',
    );
    expect(records.map((record) => record.fields.get('transactionid'))).toEqual([['1'], ['2']]);
    expect(records[0]?.fields.get('datetime')).toEqual(['2026-01-15 09:00:00']);
    const list = readAnswerRecords(
      '<list><transaction><id>3</id></transaction><transaction><id>4</id></transaction></list>',
    );
    expect(list.map((record) => record.fields.get('id'))).toEqual([['3'], ['4']]);
  });

  it('reads back any field map written as text, whatever the key case (property)', () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(key, fc.string()), {
          selector: ([name]) => name.toLowerCase(),
          minLength: 1,
        }),
        (pairs) => {
          const body = pairs.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
          const [record] = readAnswerRecords(body);
          for (const [name, value] of pairs) {
            expect(record?.fields.get(name.toLowerCase())).toEqual([value.trim()]);
          }
        },
      ),
    );
  });
});

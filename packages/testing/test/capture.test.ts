import { CardBindingError, createHttpClient, Redactor, redactingLogger, Secret } from '@cardbind/core';
import { describe, expect, it } from 'vitest';
import {
  captureFlow,
  expectNoSecrets,
  findSecrets,
  readBody,
  SecretLeakError,
  startHttpServer,
  TEST_CARDS,
} from '../src/index.js';

const PAN = TEST_CARDS.success.number;
const PASSWORD = 'p@ss word;=&/+';

describe('captureFlow', () => {
  it('keeps every log line at every level, and the HTTP transcript of a real exchange', async () => {
    const server = await startHttpServer(async (req, res) => {
      await readBody(req);
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<Init Success="True" SessionId="s-1"/>');
    });
    try {
      const captured = captureFlow();
      // As a Payture-like provider's module wires it: its wire names come with its redaction rules.
      const redactor = new Redactor([{ dropFields: ['DATA'], maskPanFields: [], patterns: [] }]);
      const http = createHttpClient({ name: 'test', logger: captured.logger, redactor });
      await http.request({
        method: 'POST',
        url: `${server.baseUrl}/vwapi/Init`,
        form: { VWID: 'm', DATA: `VWUserPsw=${PASSWORD}` },
      });
      http.close();
      captured.logger.warn({ code: 'X' }, 'a warning');
      expect(captured.logs.map((line) => line.level)).toEqual(['debug', 'warn']);
      expect(captured.transcript).toHaveLength(1);
      expect(captured.transcript[0]).toMatchObject({ client: 'test', method: 'POST', statusCode: 200 });
      expect(captured.text()).toContain('SessionId="s-1"');
      // The client redacts DATA with those rules: the password never reached the log.
      expect(() => expectNoSecrets(captured, [PASSWORD])).not.toThrow();
    } finally {
      await server.close();
    }
  });

  it('records what a tracked call returned or threw, and rethrows', async () => {
    const captured = captureFlow();
    await expect(captured.track('ok', async () => ({ status: 'succeeded' }))).resolves.toEqual({
      status: 'succeeded',
    });
    const boom = new CardBindingError('PROVIDER_UNAVAILABLE', 'down');
    await expect(captured.track('boom', Promise.reject(boom))).rejects.toBe(boom);
    expect(captured.records).toEqual([
      { label: 'ok', value: { status: 'succeeded' } },
      { label: 'boom (thrown)', value: boom },
    ]);
  });
});

describe('expectNoSecrets', () => {
  it('finds a secret in each encoding a wire or a log may give it', () => {
    const encodings: [string, string][] = [
      ['as is', `card ${PAN}`],
      ['URL-encoded', `DATA=${encodeURIComponent(`VWUserPsw=${PASSWORD}`)}`],
      ['URL-encoded twice', `u=${encodeURIComponent(encodeURIComponent(PASSWORD))}`],
      ['form-encoded', new URLSearchParams({ p: PASSWORD }).toString()],
      ['with separators', 'number 4111 1111 1111 1111 given'],
      ['with separators', 'number 4111.1111.1111.1111 given'],
    ];
    for (const [encoding, line] of encodings) {
      const captured = captureFlow();
      captured.logger.info({ line });
      const sightings = findSecrets(captured, [PAN, { name: 'password', value: PASSWORD }]);
      expect(
        sightings.map((s) => s.encoding),
        line,
      ).toContain(encoding);
    }
    const quoted = captureFlow();
    quoted.logger.info({ note: 'k"ey\\1' });
    expect(findSecrets(quoted, ['k"ey\\1'])[0]?.encoding).toBe('JSON-escaped');
    const percent = captureFlow();
    percent.logger.info({ line: [...PAN].map((d) => `%3${d}`).join('') });
    expect(findSecrets(percent, [PAN])[0]?.encoding).toBe('percent-encoded');
  });

  it('fails naming the secret and the place, never printing the secret', () => {
    const captured = captureFlow();
    captured.logger.info({ ok: true }, 'started');
    captured.logger.debug({}, `saved card ${PAN}`);
    captured.record('binding after finalise', { card: { display: { maskedPan: PAN } } });
    const error = (() => {
      try {
        expectNoSecrets(captured, [{ name: 'the test PAN', value: PAN }]);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SecretLeakError);
    const message = String(error);
    expect(message).toContain('the test PAN appeared as is in log line #2 (debug): …saved card ‹secret›');
    expect(message).toContain('the test PAN appeared as is in record "binding after finalise"');
    expect(message).not.toContain(PAN);
  });

  it('looks into thrown errors: message, stack, extra properties and the hidden cause chain', () => {
    const captured = captureFlow();
    const inner = new Error(`socket closed while sending CardNumber=${PAN}`);
    captured.record('error', new CardBindingError('PROVIDER_UNAVAILABLE', 'down', { cause: inner }));
    const extra = Object.assign(new Error('bad'), {
      options: { body: `pwd=${encodeURIComponent(PASSWORD)}` },
    });
    captured.record('foreign error', extra);
    const where = findSecrets(captured, [PAN, PASSWORD]).map((s) => s.where);
    expect(where).toEqual(['record "error"', 'record "foreign error"']);
  });

  it('does not see a Secret or what the redacting logger removed', () => {
    const captured = captureFlow();
    const logger = redactingLogger(captured.logger);
    logger.info({
      password: PASSWORD,
      key: new Secret(PASSWORD),
      cardNumber: PAN,
      body: `CardNumber=${PAN}&CardCvv=737`,
    });
    expect(() => expectNoSecrets(captured, [PASSWORD, PAN, TEST_CARDS.success.cvv])).not.toThrow();
  });

  it('counts a short secret (a CVV) only where it stands alone, not inside ports, amounts or times', () => {
    const quiet = captureFlow();
    quiet.logger.info({
      url: 'http://127.0.0.1:37371/x',
      at: '2026-01-01T10:00:00.737Z',
      amount: 1737,
      id: 'a737b',
    });
    expect(findSecrets(quiet, [TEST_CARDS.success.cvv])).toEqual([]);
    const loud = captureFlow();
    loud.logger.info({ body: 'CardCvv=737&x=1' });
    expect(findSecrets(loud, [TEST_CARDS.success.cvv])).toHaveLength(1);
  });
});

import { Client } from 'pg';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** How long a probe waits for a connection: a loopback server answers in milliseconds. */
export const PROBE_TIMEOUT_MS = 1_000;

/**
 * Whether `url` reaches a server on which its role may create databases, which is all the tests need
 * of it. Never throws: the reason goes into the message that says how to get a server.
 */
export async function probeServer(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A server that drops the connection later must not crash the run with an unhandled 'error'.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query(
      'SELECT rolsuper OR rolcreatedb AS may_create FROM pg_roles WHERE rolname = current_user',
    );
    const mayCreate: unknown = result.rows[0]?.may_create;
    return mayCreate === true
      ? { ok: true }
      : { ok: false, reason: 'its role may not create databases (needs CREATEDB or superuser)' };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message || error.name : String(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL with its password replaced, for messages: a connection string is a credential. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparseable URL)';
  }
}

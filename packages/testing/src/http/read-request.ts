import type { IncomingMessage } from 'node:http';

const MAX_BODY = 1_000_000;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Query string and form body merged (body wins), as servers that accept GET and POST alike do. */
export async function readFields(
  req: IncomingMessage,
): Promise<{ path: string; fields: Record<string, string> }> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const fields: Record<string, string> = Object.fromEntries(url.searchParams);
  if (req.method === 'POST') {
    const body = await readBody(req);
    for (const [key, value] of new URLSearchParams(body)) fields[key] = value;
  }
  return { path: url.pathname, fields };
}

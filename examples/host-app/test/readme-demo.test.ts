import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHostAppEnv } from '../src/config.js';
import { startDemo } from '../src/demo.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

/** `4111111111111111` as a person reads and types it: `4111 1111 1111 1111`. */
const grouped = (number: string) => number.replace(/(\d{4})(?=\d)/g, '$1 ');

describe('the README matches what the demo shows', () => {
  it('lists every test card the page lists', async () => {
    const demo = await startDemo(
      { PORT: '0', SESSION_SECRET: 'test-session-secret-that-is-long-enough', LOG_LEVEL: 'silent' },
      { storage: 'memory', script: '' },
    );
    const cards = demo.providers.testCards ?? [];
    await demo.close();
    expect(cards.length).toBeGreaterThan(0);
    const readme = await readFile(README, 'utf8');
    for (const card of cards) expect(readme).toContain(`\`${grouped(card.number)}\` | \`${card.cvv}\``);
  });

  it('states the default start rate limits, per customer and per address', async () => {
    const defaults = parseHostAppEnv({});
    const readme = await readFile(README, 'utf8');
    expect(defaults.START_RATE_WINDOW_MS).toBe(60_000); // "in any minute"
    expect(readme).toContain(
      `**${defaults.START_RATE_LIMIT} per customer** and **${defaults.START_RATE_LIMIT_PER_ADDRESS} per source address** in any minute`,
    );
  });
});

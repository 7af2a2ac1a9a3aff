/**
 * Run by scenario 4 in its own `node --expose-gc` process, so the heap holds nothing but what is
 * measured. Prints one JSON line: bytes per binding held by the store, and by the same records kept as
 * JSON text (the baseline), for each round.
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { InMemoryBindingStore } from '@cardbind/core';
import { BENCH_RETURN_URL, benchCustomer, PaytureLikeProvider } from './fixtures/payture-like-provider.js';
import { serviceWith } from './fixtures/service-with.js';

const [countArg = '10000', roundsArg = '5', warmupArg = '1'] = process.argv.slice(2);
const count = Number(countArg);
const rounds = Number(roundsArg);
const warmup = Number(warmupArg);

const { gc } = globalThis;
if (!gc) throw new Error('memory-probe needs node --expose-gc');
const collect = gc;

/**
 * Heap in use after full collections. The macrotask boundary matters: a collection run from inside a
 * chain of microtasks cannot free objects that chain last touched, so without it nothing is ever freed.
 */
async function settledHeap(): Promise<number> {
  await nextMacrotask();
  for (let pass = 0; pass < 4; pass++) collect();
  return process.memoryUsage().heapUsed;
}

interface Filled {
  store: InMemoryBindingStore;
  ids: string[];
}

async function filledStore(): Promise<Filled> {
  const store = new InMemoryBindingStore();
  const service = serviceWith([new PaytureLikeProvider()], { store });
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const binding = await service.start({
      provider: 'payture',
      customer: benchCustomer(index),
      returnUrl: BENCH_RETURN_URL,
    });
    ids.push(binding.id);
  }
  return { store, ids };
}

async function asJsonTexts({ store, ids }: Filled): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const id of ids) texts.set(id, JSON.stringify(await store.get(id)));
  return texts;
}

/** One round: heap held by the filled store, then by the same records as JSON text, per binding. */
async function measureRound(): Promise<{ store: number; json: number; recordJsonBytes: number }> {
  const beforeStore = await settledHeap();
  // The store lives only inside this block: once it returns, the records are garbage.
  const { withStore, texts } = await (async () => {
    const filled = await filledStore();
    const held = await settledHeap();
    return { withStore: held, texts: await asJsonTexts(filled) };
  })();
  const withTexts = await settledHeap();
  const textCount = texts.size;
  const recordJsonBytes = Buffer.byteLength(texts.values().next().value ?? '');
  texts.clear();
  const withNothing = await settledHeap();
  if (textCount !== count) throw new Error(`expected ${count} texts, held ${textCount}`);
  // The caller's ids array is held during the store's measurement: it errs high, by about 1 %.
  return {
    store: (withStore - beforeStore) / count,
    json: (withTexts - withNothing) / count,
    recordJsonBytes,
  };
}

const samples: { store: number[]; json: number[] } = { store: [], json: [] };
let recordJsonBytes = 0;
for (let round = 0; round < warmup + rounds; round++) {
  const measured = await measureRound();
  recordJsonBytes = measured.recordJsonBytes;
  if (round < warmup) continue;
  samples.store.push(measured.store);
  samples.json.push(measured.json);
}

console.log(JSON.stringify({ count, samples, recordJsonBytes }));

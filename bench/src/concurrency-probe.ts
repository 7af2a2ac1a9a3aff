/**
 * Run by scenario 2 in a fresh process per burst, so that peak RSS measures one burst and nothing a
 * previous one left behind. Prints one JSON line (a Burst).
 */
import { startPaytureEmulator } from '@cardbind/testing/emulators';
import { Agent, setGlobalDispatcher } from 'undici';
import { RssSampler } from './measure/rss-sampler.js';
import { SocketCounter } from './measure/socket-counter.js';
import { summarise } from './measure/stats.js';
import { gotPoster } from './payture/form-poster.js';
import { CustomerPool, directFlow, paytureService, serviceBinding } from './payture/service-flow.js';

/** cardbind's HTTP client keeps at most this many sockets per provider; the got baseline the same. */
export const MAX_SOCKETS = 64;
export const WARMUP_BINDINGS = 100;

const [flowName = 'cardbind', countArg = '1000'] = process.argv.slice(2);
const count = Number(countArg);

// The customers' page loads go through fetch. Unpooled, a thousand of them connect at once, overflow
// the emulator's accept queue (listen backlog 511) and wait out 1-3 s SYN retransmits: latency the
// benchmark would blame on whichever flow it is measuring. Browsers get a pool of the same size.
setGlobalDispatcher(new Agent({ connections: MAX_SOCKETS }));

const emulator = await startPaytureEmulator();
const poster = gotPoster(MAX_SOCKETS);
const host = paytureService(emulator);
const binding =
  flowName === 'got' ? directFlow(emulator, poster) : (id: string) => serviceBinding(host, emulator, id);
const customers = new CustomerPool(emulator, 'c-');
const sockets = new SocketCounter((path) => (path.startsWith('/vwapi/Add') ? 'page' : 'api'));

/** Every binding starts at once; each one's latency runs from the burst's start to its own end. */
async function burst(size: number): Promise<{ latencies: number[]; errors: number; wallMs: number }> {
  const ids = customers.take(size);
  const started = performance.now();
  const results = await Promise.allSettled(
    ids.map(async (id) => {
      await binding(id);
      return performance.now() - started;
    }),
  );
  const latencies = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  return { latencies, errors: results.length - latencies.length, wallMs: performance.now() - started };
}

// CPU is counted over both bursts (WARMUP_BINDINGS + count bindings), imports and setup left out.
const cpuBefore = process.cpuUsage();
// The JIT sees the flow on a small burst first. Its sockets count: the pool opens them once, for both.
await burst(WARMUP_BINDINGS);
const rssBefore = process.memoryUsage.rss();
const rss = new RssSampler();
const measured = await burst(count);
const cpu = process.cpuUsage(cpuBefore);
const peakRss = rss.stop();
sockets.close();
await poster.close();
await emulator.close();

console.log(
  JSON.stringify({
    latency: summarise(measured.latencies.length > 0 ? measured.latencies : [Number.NaN]),
    errors: measured.errors,
    apiSockets: sockets.count('api'),
    pageSockets: sockets.count('page'),
    peakRss,
    rssGrowth: peakRss - rssBefore,
    wallMs: measured.wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    requests: emulator.requests.length,
  }),
);

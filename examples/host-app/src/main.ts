import { CardBindingError } from '@cardbind/core';
import { startDemo } from './demo.js';
import { installSpanPrinter } from './span-printer.js';
import { startupLines } from './startup-lines.js';

/** `pnpm demo`: the host app on the emulators (or on the sandboxes the environment names). */
async function main(): Promise<void> {
  // Before anything traced starts: `CARDBIND_TRACE=console` prints every span to stderr.
  installSpanPrinter(process.env, process.stderr);
  const demo = await startDemo(process.env);
  const lines = startupLines({
    url: demo.url,
    listeningUrl: demo.host.listeningUrl,
    paytureEmulator: demo.providers.payture?.baseUrl,
    payonlineEmulator: demo.providers.payonline?.baseUrl,
    storage: demo.storage,
  });
  for (const line of lines) console.log(line);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // Configuration errors name the variable, never its value; anything else gets its name only.
  const message = CardBindingError.is(error)
    ? error.message
    : error instanceof Error
      ? error.message
      : 'failed';
  console.error(`cardbind demo could not start: ${message}`);
  process.exit(1);
});

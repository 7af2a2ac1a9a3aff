import { CardBindingError } from '@cardbind/core';
import { startDemo } from './demo.js';

/** `pnpm demo`: the host app on the emulators (or on the sandboxes the environment names). */
async function main(): Promise<void> {
  const demo = await startDemo(process.env);
  const { payture, payonline } = demo.providers;
  console.log(`cardbind demo host app: ${demo.url}`);
  console.log(`  Payture   ${payture ? `emulator at ${payture.baseUrl}` : 'sandbox from PAYTURE_BASE_URL'}`);
  console.log(
    `  PayOnline ${payonline ? `emulator at ${payonline.baseUrl}` : 'sandbox from PAYONLINE_BASE_URL'}`,
  );
  // Behind a proxy (PUBLIC_URL set) the printed URL is the proxy's; say where this process is too.
  if (new URL(demo.host.listeningUrl).port !== new URL(demo.url).port) {
    console.log(`  Listening ${demo.host.listeningUrl}`);
  }
  console.log(`  Storage   ${demo.storage}`);
  console.log('Open the URL in a browser; Ctrl+C stops everything (your cards are kept).');

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

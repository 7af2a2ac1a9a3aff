/** What `pnpm demo` prints once everything listens (kept apart from main.ts so a test can read it). */
export interface StartupFacts {
  /** Where customers open the page: PUBLIC_URL, or `http://localhost:{port}/`. */
  readonly url: string;
  /** Where this process listens, e.g. `http://127.0.0.1:3000/`. */
  readonly listeningUrl: string;
  /** The emulators' base URLs; undefined for a provider pointed at its sandbox. */
  readonly paytureEmulator: string | undefined;
  readonly payonlineEmulator: string | undefined;
  /** Where bindings, cards and sessions live, in words. */
  readonly storage: string;
}

export function startupLines(facts: StartupFacts): string[] {
  const lines = [
    `cardbind demo host app: ${facts.url}`,
    `  Payture   ${facts.paytureEmulator === undefined ? 'sandbox from PAYTURE_BASE_URL' : `emulator at ${facts.paytureEmulator}`}`,
    `  PayOnline ${facts.payonlineEmulator === undefined ? 'sandbox from PAYONLINE_BASE_URL' : `emulator at ${facts.payonlineEmulator}`}`,
  ];
  // With PUBLIC_URL set, the printed URL is the proxy's (or the tunnel's): a person debugging the
  // proxy needs the address this process itself is on, whatever port the public one shows.
  if (facts.url !== `http://localhost:${new URL(facts.listeningUrl).port}/`) {
    lines.push(`  Listening ${facts.listeningUrl}`);
  }
  lines.push(
    `  Storage   ${facts.storage}`,
    'Open the URL in a browser; Ctrl+C stops everything (your cards are kept).',
  );
  return lines;
}

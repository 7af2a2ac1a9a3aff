import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TELEMETRY_SCOPE, TelemetryMetrics as M } from '../src/index.js';
import { CORE_VERSION } from '../src/telemetry/scope.js';
import { containerWith } from './container.js';
import { ScriptedProvider } from './scripted-provider.js';
import { installTelemetry, type Telemetry, valueOf } from './telemetry-sdk.js';

const customer = { id: 'c-1' };
let telemetry: Telemetry | undefined;
afterEach(async () => {
  await telemetry?.uninstall();
  telemetry = undefined;
});

describe('the telemetry scope', () => {
  it("is @cardbind/core at the package's version", () => {
    const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest).toMatchObject({ name: TELEMETRY_SCOPE, version: CORE_VERSION });
  });

  it('is a no-op without an SDK, and reports to one registered after the service was built and used', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    await service.start({ provider: 'scripted', customer });

    telemetry = installTelemetry();
    await service.start({ provider: 'scripted', customer });
    expect(telemetry.named('CardBindingService.start')).toHaveLength(1);
    expect(valueOf((await telemetry.points(M.bindingsStarted))[0])).toBe(1);
    // Its gauge too: the instruments are made again for the new meter provider.
    expect((await telemetry.points(M.workItems)).length).toBeGreaterThan(0);

    // A second SDK after the first was taken down (a test's afterEach, a host swapping exporters).
    await telemetry.uninstall();
    telemetry = installTelemetry();
    await service.start({ provider: 'scripted', customer });
    expect(telemetry.named('CardBindingService.start')).toHaveLength(1);
    expect(valueOf((await telemetry.points(M.bindingsStarted))[0])).toBe(1);
  });
});

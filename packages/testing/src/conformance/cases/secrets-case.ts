import { testCardSecrets } from '../../cards/test-cards.js';
import { findSecrets, type NamedSecret, SecretLeakError } from '../../capture/expect-no-secrets.js';
import { conform } from '../conformance-violation.js';
import { withHarness } from '../harness.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { CONFORMANCE_FAULTS } from './faults-case.js';

/**
 * A success, a decline and failed calls, all captured: no secret (the configured ones, every test
 * card's number and CVV) appears in a log line, the HTTP transcript, an error or a binding, in any
 * encoding. The provider must log its transcript (createHttpClient with the container's logger), or
 * there is nothing to prove.
 */
export async function secretsCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  await withHarness(options, 'secrets', async (h) => {
    const record = (label: string) => (error: unknown) => h.capture.record(label, error);

    const succeeded = await h.start();
    await h.scenario('succeed', succeeded);
    await h.complete(succeeded.id);
    h.capture.record('binding from get()', await h.service.get(succeeded.id));
    h.capture.record('listCards()', await h.service.listCards(h.customer.id));

    if (options.scenarios.decline && options.skip?.decline === undefined) {
      const declined = await h.start();
      await h.scenario('decline', declined);
      await h.complete(declined.id).catch(record('error completing a decline'));
    }

    const failing = await h.start();
    // The faults whose answers carry text (an HTML error page, garbage) into transcripts and errors.
    const faults = CONFORMANCE_FAULTS.filter((f) => f.fault.kind === 'garbage' || f.label.includes('503'));
    for (const { label, fault } of faults) {
      h.armFault(fault);
      await h.start().catch(record(`error from start under ${label}`));
      await h.complete(failing.id).catch(record(`error from ${options.complete} under ${label}`));
      h.proxy.clear();
    }

    conform(
      'secrets',
      h.capture.transcript.length > 0,
      'no HTTP transcript was logged: create the HTTP client with createHttpClient({ logger }) using the logger from ProviderDependencies',
    );
    const secrets: NamedSecret[] = [...options.secrets, ...testCardSecrets()];
    const sightings = findSecrets(h.capture, secrets);
    conform('secrets', sightings.length === 0, () => new SecretLeakError(sightings).message);
  });
}

import type { CapturedFlow } from './capture-flow.js';
import { secretForms } from './secret-forms.js';

/** A secret to look for; a bare string is named by its position in the list. */
export type NamedSecret = string | { readonly name: string; readonly value: string };

export interface SecretSighting {
  readonly secret: string;
  readonly where: string;
  readonly encoding: string;
  /** The text around the sighting, with the secret itself replaced by `‹secret›`. */
  readonly context: string;
}

/** Thrown by `expectNoSecrets`; its message names every place a secret was seen, never the secret. */
export class SecretLeakError extends Error {
  override readonly name = 'SecretLeakError';
  constructor(readonly sightings: readonly SecretSighting[]) {
    super(
      `${sightings.length} secret sighting(s):\n` +
        sightings
          .map((s) => `  - ${s.secret} appeared ${s.encoding} in ${s.where}: …${s.context}…`)
          .join('\n'),
    );
  }
}

const CONTEXT = 40;

/** Every place in `captured` where one of `secrets` appears, in any of its encoded forms. */
export function findSecrets(captured: CapturedFlow, secrets: readonly NamedSecret[]): SecretSighting[] {
  const sightings: SecretSighting[] = [];
  const places = captured.places();
  secrets.forEach((secret, index) => {
    const { name, value } =
      typeof secret === 'string' ? { name: `secret #${index + 1}`, value: secret } : secret;
    if (value.length === 0) return;
    const forms = secretForms(value);
    for (const place of places) {
      for (const form of forms) {
        const found = form.matches(place.text);
        if (!found) continue;
        const before = place.text.slice(Math.max(0, found.index - CONTEXT), found.index);
        const after = place.text.slice(found.index + found.length, found.index + found.length + CONTEXT);
        sightings.push({
          secret: name,
          where: place.where,
          encoding: form.encoding,
          context: `${before}‹secret›${after}`.replace(/\s+/g, ' '),
        });
        break;
      }
    }
  });
  return sightings;
}

/**
 * Fails (throws SecretLeakError) when any secret appears in the captured logs, transcript, errors or
 * bindings, naming the secret by its name and the place it appeared. Short secrets (a CVV) count only
 * where they stand alone, so ports and timestamps do not raise false alarms.
 */
export function expectNoSecrets(captured: CapturedFlow, secrets: readonly NamedSecret[]): void {
  const sightings = findSecrets(captured, secrets);
  if (sightings.length > 0) throw new SecretLeakError(sightings);
}

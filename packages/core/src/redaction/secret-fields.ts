/**
 * Field names whose values never appear in a log line or transcript, compared after lower-casing and
 * removing `_` and `-`: names any gateway uses (CVV, passwords, secrets, API keys, tokens, cookies, the
 * 3-D Secure protocol's PaReq/PaRes/MD). A provider adds its own wire names through its module's
 * redaction rules (redaction-rules.ts); none is listed here.
 */
const DROPPED = new Set([
  'cvv',
  'cvc',
  'cvv2',
  'cvc2',
  'cardcvv',
  'cardcvc',
  'securitycode',
  'securecode',
  'password',
  'passwd',
  'pwd',
  'psw',
  'secret',
  'clientsecret',
  'customersecret',
  'privatekey',
  'apikey',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'pares',
  'pareq',
  'md',
  'token',
  'cardtoken',
  'otp',
]);

/** Fields that hold a card number: masked to first 6 / last 4 rather than dropped, to stay useful. */
const CARD_NUMBER = new Set(['cardnumber', 'number', 'pan', 'cardno', 'cardnum', 'ccnumber']);

export function normaliseFieldName(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

export type FieldTreatment = 'drop' | 'mask-pan' | 'keep';

/** How the generic rules treat a field; a Redactor adds the providers' own names on top. */
export function fieldTreatment(name: string): FieldTreatment {
  return genericTreatment(normaliseFieldName(name));
}

export function genericTreatment(normalised: string): FieldTreatment {
  if (
    DROPPED.has(normalised) ||
    normalised.endsWith('password') ||
    normalised.endsWith('secret') ||
    // X-Api-Key, access_token, refresh-token, webhook secrets and the like.
    normalised.endsWith('apikey') ||
    normalised.endsWith('token')
  )
    return 'drop';
  if (CARD_NUMBER.has(normalised)) return 'mask-pan';
  return 'keep';
}

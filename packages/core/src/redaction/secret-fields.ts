/**
 * Field names whose values never appear in a log line or transcript, compared after lower-casing and
 * removing `_` and `-`. Covers both providers' wire names (VWUserPsw, DATA, SecurityKey, CardCvv,
 * PaReq/PaRes/MD/PD, RebillAnchor, CardId) and common generic names.
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
  'vwuserpsw',
  'terminalpassword',
  'secret',
  'clientsecret',
  'customersecret',
  'data',
  'securitykey',
  'privatesecuritykey',
  'privatekey',
  'apikey',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'pares',
  'pareq',
  'md',
  'pd',
  'token',
  'cardtoken',
  'rebillanchor',
  'cardid',
  'otp',
  'code3ds',
]);

/** Fields that hold a card number: masked to first 6 / last 4 rather than dropped, to stay useful. */
const CARD_NUMBER = new Set(['cardnumber', 'number', 'pan', 'cardno', 'cardnum', 'ccnumber']);

export function normaliseFieldName(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

export type FieldTreatment = 'drop' | 'mask-pan' | 'keep';

export function fieldTreatment(name: string): FieldTreatment {
  const normalised = normaliseFieldName(name);
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

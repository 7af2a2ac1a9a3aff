import { isIP } from 'node:net';
import { passesLuhn } from '@cardbind/core';
import {
  type AnswerEntry,
  type AnswerFormat,
  respond,
  respondFormatError,
  writeAnswer,
  writeText,
  writeXml,
} from '../answers.js';
import { behaviourOf, chargeBehaviourOf } from '../magic-cards.js';
import { SIGNED_FIELDS } from '../security-key.js';
import { awkwardBase64, type EmulatedTransaction, newRebillAnchor } from '../state.js';
import type { RouteContext, RouteHandler } from './support.js';

/**
 * Auth, the card the app posts (LitRes's form-params flow), with CORS: checked field by field as
 * PayOnline refuses them (4xxx), then what its magic number says (magic-cards.ts).
 */
export const auth: RouteHandler = (ctx, { res, fields, format }) => {
  const signed =
    fields['OrderDescription'] === undefined
      ? SIGNED_FIELDS.auth
      : [...SIGNED_FIELDS.auth, 'OrderDescription'];
  if (!ctx.authorised(res, format, fields, signed, true)) return;
  const refuse = (code: string): void => respondFormatError(res, format, code, true);
  const orderId = fields['OrderId'] ?? '';
  const amount = fields['Amount'] ?? '';
  const currency = fields['Currency'] ?? '';
  const number = fields['CardNumber'] ?? '';
  const expires = fields['CardExpDate'] ?? '';
  const email = fields['Email'] ?? '';
  const country = fields['Country'] ?? '';
  if (orderId === '' || orderId.length > 50) return refuse('4025');
  if (!/^\d+\.\d{2}$/.test(amount)) return refuse('4300');
  if (!/^[A-Z]{3}$/.test(currency)) return refuse('4026');
  // PayOnline's API doc, Auth parameters: "Ip — Customer's IP address. Mandatory", formatted
  // xxx.xxx.xxx.xxx; 4018 is its "Incorrect ipaddress". Whether PayOnline takes IPv6 is not documented:
  // the emulator takes any address Node reads as one.
  if (isIP(fields['Ip'] ?? '') === 0) return refuse('4018');
  if (!/^\d{13,19}$/.test(number) || !passesLuhn(number)) return refuse('4004');
  if (!/^[A-Za-z .'-]{1,100}$/.test(fields['CardHolderName'] ?? '')) return refuse('4005');
  const expiry = /^(0[1-9]|1[0-2])(\d{2})$/.exec(expires);
  if (!expiry) return refuse('4007');
  const now = ctx.clock.now();
  const expiryIndex = (2000 + Number(expiry[2])) * 12 + Number(expiry[1]) - 1;
  if (expiryIndex < now.getUTCFullYear() * 12 + now.getUTCMonth()) return refuse('4014');
  if (!/^\d{3,4}$/.test(fields['CardCvv'] ?? '')) return refuse('4006');
  if (email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email)) return refuse('4017');
  if (country !== '' && !/^[A-Za-z]{2}$/.test(country)) return refuse('4008');
  if (ctx.state.paidFor(orderId)) return refuse('4016');

  const behaviour = behaviourOf(number);
  const transaction = ctx.state.add({
    merchantId: fields['MerchantId'] ?? ctx.merchantId,
    orderId,
    operation: 'Auth',
    amount,
    currency,
    status: 'Processing',
    code: '200',
    dateTime: now,
    maskedNumber: `${'*'.repeat(12)}${number.slice(-4)}`,
    holder: fields['CardHolderName'] ?? '',
    country: country.toUpperCase() || 'RU',
    customFields: customFieldsOf(fields),
    chargeBehaviour: chargeBehaviourOf(number),
  });
  switch (behaviour.kind) {
    case 'success':
      transaction.status = ctx.approved;
      transaction.rebillAnchor = newRebillAnchor();
      ctx.recordOperation('auth', transaction);
      break;
    case 'decline':
      transaction.status = 'Declined';
      transaction.code = behaviour.code;
      transaction.errorCode = behaviour.errorCode;
      break;
    case 'three-ds': {
      transaction.status = 'Awaiting3DAuthentication';
      transaction.code = '6001';
      const session = {
        paReq: awkwardBase64(48),
        pd: awkwardBase64(24),
        issued: new Map<string, boolean>(),
      };
      transaction.threeDs = session;
      return respond(res, format, threeDsAnswer(ctx, transaction, session, format), true);
    }
    case 'slow':
      transaction.closeAt = new Date(now.getTime() + ctx.slowCloseMs);
      break;
    case 'stuck':
      break;
  }
  respond(res, format, transactionAnswer(ctx, transaction, format), true);
  if (transaction.status !== 'Processing') ctx.callbacks.send(transaction);
};

/**
 * The 3-DS completion (`MerchantId, TransactionId, PARes, PD, SecurityKey`), from the browser or the
 * host: passes only with a PaRes the emulated bank issued for a passed challenge.
 */
export const auth3ds: RouteHandler = (ctx, { res, fields, format }) => {
  // The doc spells it PARes; PayOnline's own Android SDK sends PaRes.
  const paRes = fields['PARes'] ?? fields['PaRes'] ?? '';
  const signedFields = { ...fields, PARes: paRes };
  if (!ctx.authorised(res, format, signedFields, SIGNED_FIELDS.auth3ds, true)) return;
  const transaction = ctx.state.get(fields['TransactionId'] ?? '');
  const session = transaction?.threeDs;
  if (!transaction || !session) return respondFormatError(res, format, '4029', true);
  if (transaction.finalAnswer !== undefined) return respond(res, format, transaction.finalAnswer, true);
  const passed = fields['PD'] === session.pd ? session.issued.get(paRes) : undefined;
  const now = ctx.clock.now();
  transaction.dateTime = now;
  if (passed === true) {
    transaction.status = ctx.approved;
    transaction.code = '200';
    transaction.rebillAnchor = newRebillAnchor();
    ctx.recordOperation('auth', transaction);
  } else {
    transaction.status = 'Declined';
    // A failed challenge is 6003; PaRes or PD that the bank never issued is 5410.
    transaction.code = passed === false ? '6003' : '5410';
    transaction.errorCode = '3';
  }
  transaction.finalAnswer = transactionAnswer(ctx, transaction, format);
  respond(res, format, transaction.finalAnswer, true);
  ctx.callbacks.send(transaction);
};

/** An Auth or 3DS answer about a transaction, as PayOnline writes it. */
function transactionAnswer(
  ctx: RouteContext,
  transaction: EmulatedTransaction,
  format: AnswerFormat,
): string {
  const entries: AnswerEntry[] = [
    { name: 'Id', value: transaction.id },
    { name: 'Operation', value: transaction.operation },
    { name: 'Result', value: transaction.status === 'Declined' ? 'Error' : 'Ok' },
    { name: 'Code', value: transaction.code },
    // The emulator's own Processing state looks like an accepted payment to the payer.
    { name: 'Status', value: transaction.status === 'Processing' ? 'Pending' : transaction.status },
    { name: 'ErrorCode', value: transaction.errorCode },
    {
      name: 'rebillAnchor',
      value: transaction.status === ctx.approved ? transaction.rebillAnchor : undefined,
    },
    { name: 'binCountry', value: transaction.country },
  ];
  return writeAnswer(format, entries);
}

/** Code 6001: the issuer wants 3-D Secure; the answer names the emulated bank's ACS. */
function threeDsAnswer(
  ctx: RouteContext,
  transaction: EmulatedTransaction,
  session: { paReq: string; pd: string },
  format: AnswerFormat,
): string {
  if (format === 'xml') {
    // As in PayOnline's doc: errorCode twice (the 6001 echo, then the class), 3-DS data nested.
    return writeXml('transaction', [
      { name: 'Id', value: transaction.id },
      { name: 'Operation', value: 'Auth' },
      { name: 'Result', value: 'Error' },
      { name: 'Status', value: 'Awaiting3DAuthentication' },
      { name: 'Code', value: '6001' },
      { name: 'ErrorCode', value: '6001' },
      { name: 'ErrorCode', value: '4' },
      { name: 'PaReq', element: 'pareq', value: session.paReq, group: 'threedSecure' },
      { name: 'ACSUrl', element: 'acsurl', value: `${ctx.baseUrl()}/acs/`, group: 'threedSecure' },
      { name: 'PD', element: 'pd', value: session.pd, group: 'threedSecure' },
      { name: 'binCountry', value: transaction.country },
    ]);
  }
  // As recorded (a public Python PayOnline client's comments hold a live 6001 answer):
  // `...&Code=6001&Status=Awaiting3DAuthentication&errorCode=4&pareq=...&acsurl=...&pd=...`, the
  // 3-DS keys in lower case and their base64 raw (writeText). The doc's own spelling (PaReq, ACSUrl,
  // ASCUrl, PD) differs: a client must match keys without case.
  return writeText([
    { name: 'Id', value: transaction.id },
    { name: 'Operation', value: 'Auth' },
    { name: 'Result', value: 'Error' },
    { name: 'Code', value: '6001' },
    { name: 'Status', value: 'Awaiting3DAuthentication' },
    { name: 'errorCode', value: '4' },
    { name: 'pareq', value: session.paReq },
    { name: 'acsurl', value: `${ctx.baseUrl()}/acs/` },
    { name: 'pd', value: session.pd },
  ]);
}

/** Every field of an Auth request PayOnline does not define: echoed in callbacks. */
const AUTH_FIELDS = new Set([
  'MerchantId',
  'OrderId',
  'Amount',
  'Currency',
  'SecurityKey',
  'Ip',
  'Email',
  'CardHolderName',
  'CardNumber',
  'CardExpDate',
  'CardCvv',
  'Country',
  'City',
  'Address',
  'Zip',
  'State',
  'Phone',
  'Issuer',
  'ContentType',
  'OrderDescription',
]);

function customFieldsOf(fields: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !AUTH_FIELDS.has(name)));
}

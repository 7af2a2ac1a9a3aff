/**
 * `@cardbind/provider-payonline/client`: the app's side of PayOnline's form-params flow (browsers,
 * React Native, Node). No Node built-ins. Send the card with `submitCardForm`, pass 3-D Secure with
 * `buildAcsForm`, then wait for the backend's verdict with `waitForBinding`.
 */
export {
  submitCardForm,
  type SubmitCardFormOptions,
  type SubmitCardFormResult,
  type FetchLike,
  type HostReport,
} from './submit-card-form.js';
export { buildAcsForm, renderAcsFormHtml, type ThreeDsChallenge } from './acs-form.js';
export { waitForBinding, TIMED_OUT_MESSAGE, type WaitForBindingResult } from './wait-for-binding.js';
export {
  readOperationAnswer,
  interpretAuthAnswer,
  type AuthOutcome,
  type OperationAnswer,
} from '../wire/answer.js';
export { declineMessage, errorForCodes, type PayOnlineCodes } from '../errors/codes.js';
export { escapeHtml, type HtmlForm } from '../wire/html.js';

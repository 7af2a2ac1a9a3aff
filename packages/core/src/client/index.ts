/**
 * `@cardbind/core/client`: what an app (browser, React Native, Node) needs to run a card-binding flow
 * itself. Nothing here may import a Node built-in or a heavy dependency: only zod and core's
 * built-in-free files (errors, next-action, luhn, poll-policy).
 */
export { CardInput, CardField } from './card-input.js';
export {
  REQUIRED_SUBSTITUTES,
  OPTIONAL_SUBSTITUTES,
  SUBSTITUTE_ALIASES,
  SubstituteKey,
  canonicalSubstitute,
  cardFieldOf,
} from './substitutes.js';
export { ISO_3166_ALPHA2, isIsoCountryCode } from './iso-countries.js';
export {
  checkCardInput,
  validateCardInput,
  type CardInputCheck,
  type CardInputProblem,
  type ValidateCardInputOptions,
} from './validate-card-input.js';
export {
  fillFormParams,
  requiredCardFields,
  type FilledParam,
  type FillFormParamsOptions,
} from './fill-form-params.js';
export { toUrlSearchParams, encodeFormBody } from './form-body.js';
export { readProcessingRequest } from './processing-request.js';
export { assertSecureUrl, isLoopbackHost, type AssertSecureUrlOptions } from './secure-url.js';
export {
  pollBinding,
  systemPollClock,
  TERMINAL_BINDING_STATUSES,
  DEFAULT_POLL_TIMEOUT_MS,
  type PollClock,
  type PollBindingOptions,
  type PollBindingResult,
} from './poll-binding.js';
export { PollPolicy, DEFAULT_POLL_POLICY, pollDelay, type PollPolicyInput } from './poll-policy.js';

export {
  CardBindingError,
  CardBindingErrorCode,
  CardBindingFailure,
  type CardBindingErrorOptions,
} from '../errors.js';
export { NextAction, FormAction, FormParam, RedirectAction } from '../next-action.js';
export { passesLuhn } from '../luhn.js';
export { readXml, type XmlElement } from './read-xml.js';

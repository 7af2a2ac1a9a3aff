import type {
  CallbackResult,
  CardBindingProvider,
  ProviderCallbackContext,
  ProviderContext,
  InitOutcome,
  ProviderOutcome,
} from '../src/index.js';
import type { CardBindingError } from '../src/index.js';

/**
 * A small provider for core's own tests: a real plugin implementing the contract, whose answers the
 * test scripts. It counts calls so tests can prove how often the service asked.
 */
export class ScriptedProvider implements CardBindingProvider {
  readonly calls = { init: 0, finalise: 0, checkOrder: 0, afterSuccess: 0, afterFailure: 0 };
  next: (ctx: ProviderContext) => Promise<ProviderOutcome> = async () => ({ status: 'pending' });
  initAnswer: () => Promise<InitOutcome> = async () => ({
    status: 'requires_action',
    action: { type: 'redirect', url: 'https://pay.example.test/page?session=s1', method: 'GET' },
    providerRef: { sessionId: 's1' },
    lookupKeys: ['s1'],
  });

  /** What a callback answers; the default acknowledges and changes nothing. */
  callback: (ctx: ProviderCallbackContext) => Promise<CallbackResult> = async () => ({
    response: { status: 200, headers: {}, body: 'OK' },
  });

  constructor(readonly id = 'scripted') {}

  async init(): Promise<InitOutcome> {
    this.calls.init++;
    return this.initAnswer();
  }

  async finalise(ctx: ProviderContext): Promise<ProviderOutcome> {
    this.calls.finalise++;
    return this.next(ctx);
  }

  async checkOrder(ctx: ProviderContext): Promise<ProviderOutcome> {
    this.calls.checkOrder++;
    return this.next(ctx);
  }

  async handleCallback(ctx: ProviderCallbackContext): Promise<CallbackResult> {
    return this.callback(ctx);
  }

  async afterSuccess(): Promise<void> {
    this.calls.afterSuccess++;
  }

  async afterFailure(): Promise<void> {
    this.calls.afterFailure++;
  }

  /** Succeeds with `token`; a function gets the call's number (1, 2...) and may answer each differently. */
  succeedWith(token: string | ((call: number) => string)): void {
    let call = 0;
    this.next = async () => {
      const answer = typeof token === 'string' ? token : token(++call);
      // Yield to the event loop like a real HTTP call would, so concurrent callers interleave.
      await new Promise((resolve) => setImmediate(resolve));
      return {
        status: 'succeeded',
        card: { token: answer, display: { maskedPan: '411111******1111', holder: 'IVAN IVANOV' } },
      };
    };
  }

  failWith(error: CardBindingError): void {
    this.next = async () => ({ status: 'failed', error });
  }
}

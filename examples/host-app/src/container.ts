import 'reflect-metadata';
import { cardBindingModule, CardBindingService, type Logger } from '@cardbind/core';
import { isLoopbackHost } from '@cardbind/core/client';
import { payonlineModule } from '@cardbind/provider-payonline';
import { paytureModule } from '@cardbind/provider-payture';
import { Container } from 'inversify';

/** Where each provider lives and the credentials it needs: a real sandbox's, or an emulator's. */
export interface ProviderSettings {
  payture: {
    baseUrl: string;
    addTerminal: string;
    terminalPassword: string;
    customerSecret: string;
  };
  payonline: {
    baseUrl: string;
    merchantId: string;
    privateSecurityKey: string;
  };
}

export interface CardBindingSetup {
  providers: ProviderSettings;
  publicUrl: URL;
  logger: Logger;
  deadlineMs: number;
}

/** Plain http is accepted only where every party is on this machine (emulators, local development). */
export function allowsLoopbackHttp(...urls: (string | URL)[]): boolean {
  return urls.some((url) => isLoopbackHost(new URL(url).hostname));
}

/**
 * The container a host builds once at startup: core's module (the default in-memory store: one
 * process only; a production host passes `store:` its own BindingStore on its database) and one
 * module per provider.
 */
export function createCardBindingService(setup: CardBindingSetup): CardBindingService {
  const { payture, payonline } = setup.providers;
  const container = new Container();
  container.load(
    cardBindingModule({ logger: setup.logger }),
    paytureModule({
      baseUrl: payture.baseUrl,
      allowLoopbackHttp: allowsLoopbackHttp(payture.baseUrl, setup.publicUrl),
      addTerminal: payture.addTerminal,
      terminalPassword: payture.terminalPassword,
      customerCredentials: { secret: payture.customerSecret },
    }),
    payonlineModule({
      baseUrl: payonline.baseUrl,
      allowLoopbackHttp: allowsLoopbackHttp(payonline.baseUrl, setup.publicUrl),
      merchantId: payonline.merchantId,
      privateSecurityKey: payonline.privateSecurityKey,
      termUrl: new URL('/payonline/3ds', setup.publicUrl).toString(),
      orderDeadlineMs: setup.deadlineMs,
      // A browser that posted the 3-D Secure result to PayOnline itself would end on PayOnline's
      // plain-text API answer; the host completes it instead and sends the customer back to the page.
      threeDsMode: 'server',
    }),
  );
  return container.get(CardBindingService);
}

import type { CardBindingListener, Logger } from '@cardbind/core';

/**
 * The example's listener: one `binding.event` line per event, with the event's id. Events come at
 * least once (again after a crash, or from another instance's worker), so a real listener (crediting
 * the verification payment, mailing the customer) would dedupe by `eventId`; the log shows what it
 * would see. Ids and statuses only: never the card or its token.
 */
export function eventLogListener(logger: Logger): CardBindingListener {
  return {
    onTransition(event) {
      logger.info(
        {
          event: 'binding.event',
          eventId: event.id,
          bindingId: event.binding.id,
          provider: event.binding.provider,
          from: event.from,
          to: event.to,
        },
        'listener got a binding event',
      );
    },
  };
}

import type { ErrorBody } from '@sentral/contract';

type AnyListener = (event: string, ...args: unknown[]) => void;

/**
 * Wraps a Socket.IO `onAny` listener so that a throw escaping it is answered through the event's
 * ack (when it has one) instead of reaching the process: a listener's exception would end the hub.
 */
export function answeringFailures(listener: AnyListener, toAckError: (error: unknown) => ErrorBody): AnyListener {
  return (event, ...args) => {
    try {
      listener(event, ...args);
    } catch (error) {
      const ack = args.at(-1);
      const body = toAckError(error);
      if (typeof ack === 'function') (ack as (res: { ok: false; error: ErrorBody }) => void)({ ok: false, error: body });
    }
  };
}

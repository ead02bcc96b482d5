import type { WampMessage } from '../types.ts';

/**
 * A one-entry memo of a serializer's last encoding. The broker hands one EVENT array to every
 * subscriber of a subscription and each subscriber's transport encodes it: with the memo, 100
 * subscribers on one serializer cost one encoding instead of 100. Sound because a message given to
 * Transport.send is never mutated afterwards (the router builds a fresh array for every message).
 * It keeps the last message and frame alive until the next encoding, which is bounded by maxMessageSize.
 */
export class LastEncoded<Frame> {
  private message: WampMessage | undefined;
  private frame: Frame | undefined;

  get(message: WampMessage): Frame | undefined {
    return message === this.message ? this.frame : undefined;
  }

  set(message: WampMessage, frame: Frame): Frame {
    this.message = message;
    this.frame = frame;
    return frame;
  }
}

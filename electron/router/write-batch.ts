import type { Writable } from 'node:stream';

/**
 * Coalesces the frames written to one socket during one turn of the event loop into a single writev.
 * Under load the router answers many frames per read (a burst of CALLs becomes a burst of INVOCATIONs),
 * and on loopback the per-write syscall, not serialization, dominated the profile: one write per frame
 * cost more than half the router's CPU. Corking until the end of the current tick adds no latency
 * (the flush runs before the loop goes back to I/O) and needs no timer.
 */
export class WriteBatch {
  private corked = false;
  private readonly flush = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(private readonly socket: Writable) {}

  /** Call before writing: the first write of a tick corks the socket, and the tick's end uncorks it. */
  hold(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(this.flush);
  }
}

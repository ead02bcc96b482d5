/**
 * Liveness check for one connection: a ping every intervalMs, and the connection is declared dead
 * when no pong arrives within timeoutMs. This is what evicts callees on half-open TCP connections
 * (peer machine gone, no FIN/RST): without it their registrations would keep receiving calls forever.
 *
 * A message from the peer proves it alive as well as a pong does, so an interval in which the peer was
 * heard sends no ping: a crowd of busy donors (each publishing its load every second) costs the router
 * no ping, pong and timer per donor every interval; only quiet connections are pinged.
 */
export class Heartbeat {
  private interval: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  /** Whether the peer sent anything since the last interval began. */
  private heardFrom = false;

  constructor(
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly sendPing: () => void,
    private readonly onTimeout: () => void,
  ) {}

  /** Starts pinging; does nothing when intervalMs is 0 (disabled). */
  start(): void {
    if (this.intervalMs <= 0) return;
    // unref: an idle connection must not keep a headless process (or a test run) alive.
    this.interval = setInterval(() => this.ping(), this.intervalMs).unref();
  }

  /** The peer sent a message: alive, so this interval needs no ping. */
  heard(): void {
    this.heardFrom = true;
  }

  /** The peer answered: cancel the pending deadline. */
  pong(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  stop(): void {
    clearInterval(this.interval);
    clearTimeout(this.deadline);
    this.interval = this.deadline = undefined;
  }

  private ping(): void {
    if (this.heardFrom) {
      this.heardFrom = false;
      this.pong();
      return;
    }
    // A ping still unanswered keeps its original deadline; a new one would postpone the verdict.
    if (this.deadline === undefined && this.timeoutMs > 0) {
      this.deadline = setTimeout(() => {
        this.stop();
        this.onTimeout();
      }, this.timeoutMs).unref();
    }
    this.sendPing();
  }
}

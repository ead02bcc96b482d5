/**
 * Liveness check for one connection: a ping every intervalMs, and the connection is declared dead
 * when no pong arrives within timeoutMs. This is what evicts callees on half-open TCP connections
 * (peer machine gone, no FIN/RST): without it their registrations would keep receiving calls forever.
 *
 * A message from the peer proves it alive as well as a pong does, so an interval in which the peer was
 * heard sends no ping: a crowd of busy donors (each publishing its load every second) costs the router
 * no ping, pong and timer per donor every interval; only quiet connections are pinged.
 */
import { verdictAfter, type VerdictTimer } from '../orchestrator/lag-timer.ts';

export class Heartbeat {
  private interval: NodeJS.Timeout | undefined;
  /**
   * The verdict on the unanswered ping. Lag-aware (lag-timer.ts): a router whose own event loop stalled
   * past the timeout would otherwise run this timer before reading the pong waiting in the socket (Node
   * runs timers before I/O), and end a healthy session; seen as sessions lost on a loaded machine.
   */
  private deadline: VerdictTimer | undefined;
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
    this.deadline?.clear();
    this.deadline = undefined;
  }

  stop(): void {
    clearInterval(this.interval);
    this.deadline?.clear();
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
      this.deadline = verdictAfter(
        this.timeoutMs,
        () => this.deadline === undefined,
        () => {
          this.stop();
          this.onTimeout();
        },
        Date.now,
        // An idle connection must not keep a headless process (or a test run) alive.
        { unref: true },
      );
    }
    this.sendPing();
  }
}

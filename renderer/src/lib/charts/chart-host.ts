import type { ChartInputs, ChartReport, ChartSetup, PointerInput } from './inputs.ts';
import type { FromChartWorker, ToChartWorker } from './messages.ts';

/** What the host needs of a chart (live-chart.ts's LiveChart). */
export interface HostedChart {
  update(inputs: Partial<ChartInputs>): void;
  pointer(event: PointerInput): void;
  close(): void;
}

/**
 * The charts worker's side of the protocol: keeps the page's charts by id and hands each message to
 * its chart. Messages for a chart it does not hold (closed, or never created) are dropped: the page
 * may close a chart while its updates are in flight.
 */
export class ChartHost {
  readonly #charts = new Map<number, HostedChart>();

  constructor(
    private readonly createChart: (canvas: OffscreenCanvas, setup: ChartSetup, onReport: (report: ChartReport) => void) => HostedChart,
    private readonly post: (message: FromChartWorker) => void,
  ) {}

  get size(): number {
    return this.#charts.size;
  }

  handle(message: ToChartWorker): void {
    switch (message.type) {
      case 'create': {
        const { id } = message;
        this.#charts.get(id)?.close();
        this.#charts.set(
          id,
          this.createChart(message.canvas, message.setup, (report) => this.post({ type: 'report', id, report })),
        );
        return;
      }
      case 'update':
        this.#charts.get(message.id)?.update(message.inputs);
        return;
      case 'pointer':
        this.#charts.get(message.id)?.pointer(message.event);
        return;
      case 'close':
        this.#charts.get(message.id)?.close();
        this.#charts.delete(message.id);
    }
  }
}

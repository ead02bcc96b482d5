import { describe, expect, it } from 'vitest';
import { ChartHost, type HostedChart } from '../../renderer/src/lib/charts/chart-host.ts';
import { packPoints, type ChartInputs, type ChartReport, type ChartSetup, type PointerInput } from '../../renderer/src/lib/charts/inputs.ts';
import type { FromChartWorker } from '../../renderer/src/lib/charts/messages.ts';
import { chartPointerInput } from '../../renderer/src/lib/charts/pointer.ts';

const SETUP: ChartSetup = { xTitle: 'seconds', yTitle: 'length', yFromZero: false, legendSkipsEmpty: true };
const REPORT: ChartReport = {
  legend: [{ text: 'best length', hidden: false, x: 150, y: 10, width: 90, height: 12 }],
  series: ['best'],
  tooltip: null,
  width: 400,
  height: 180,
};

/** A host whose charts record what reaches them, and the messages it posts back. */
function hostWithRecordingCharts() {
  const charts: Array<{ canvas: OffscreenCanvas; setup: ChartSetup; calls: string[]; report: (report: ChartReport) => void }> = [];
  const posted: FromChartWorker[] = [];
  const host = new ChartHost(
    (canvas, setup, onReport) => {
      const record = { canvas, setup, calls: [] as string[], report: onReport };
      charts.push(record);
      const chart: HostedChart = {
        update: (inputs: Partial<ChartInputs>) => record.calls.push(`update ${Object.keys(inputs).join(',')}`),
        pointer: (event: PointerInput) => record.calls.push(`pointer ${event.type} ${event.x},${event.y}`),
        close: () => record.calls.push('close'),
      };
      return chart;
    },
    (message) => posted.push(message),
  );
  return { host, charts, posted };
}

const canvas = {} as OffscreenCanvas;

describe('the charts worker protocol', () => {
  it('hands each message to the chart it names, and reports back under that chart id', () => {
    const { host, charts, posted } = hostWithRecordingCharts();
    host.handle({ type: 'create', id: 3, canvas, setup: SETUP });
    host.handle({ type: 'create', id: 7, canvas, setup: { ...SETUP, yFromZero: true } });
    host.handle({ type: 'update', id: 7, inputs: { xMin: 0, xMax: 120 } });
    host.handle({ type: 'pointer', id: 3, event: { type: 'click', x: 12, y: 34 } });
    expect(charts.map((chart) => chart.setup.yFromZero)).toEqual([false, true]);
    expect(charts[0].calls).toEqual(['pointer click 12,34']);
    expect(charts[1].calls).toEqual(['update xMin,xMax']);
    charts[1].report(REPORT);
    expect(posted).toEqual([{ type: 'report', id: 7, report: REPORT }]);
  });

  it('closes a chart and drops messages that arrive for it afterwards', () => {
    const { host, charts } = hostWithRecordingCharts();
    host.handle({ type: 'create', id: 1, canvas, setup: SETUP });
    host.handle({ type: 'close', id: 1 });
    host.handle({ type: 'update', id: 1, inputs: { xMax: 5 } });
    host.handle({ type: 'pointer', id: 1, event: { type: 'mousemove', x: 1, y: 1 } });
    host.handle({ type: 'update', id: 99, inputs: { xMax: 5 } });
    expect(charts[0].calls).toEqual(['close']);
    expect(host.size).toBe(0);
  });

  it('closes the chart an id held before when the id is created again', () => {
    const { host, charts } = hostWithRecordingCharts();
    host.handle({ type: 'create', id: 1, canvas, setup: SETUP });
    host.handle({ type: 'create', id: 1, canvas, setup: SETUP });
    expect(charts[0].calls).toEqual(['close']);
    expect(host.size).toBe(1);
  });

  it('packs points as x0, y0, x1, y1, ...', () => {
    expect([
      ...packPoints([
        { x: 0.5, y: 7542 },
        { x: 1.25, y: 7600 },
      ]),
    ]).toEqual([0.5, 7542, 1.25, 7600]);
    expect(packPoints([]).length).toBe(0);
  });
});

describe('pointer events forwarded to a chart drawn elsewhere', () => {
  const box = { left: 100, top: 50, width: 400, height: 180 };

  it("places the pointer in the chart's CSS pixels, relative to the canvas", () => {
    expect(chartPointerInput('pointermove', 150, 60, box, { width: 400, height: 180 })).toEqual({ type: 'mousemove', x: 50, y: 10 });
    expect(chartPointerInput('click', 500, 230, box, { width: 400, height: 180 })).toEqual({ type: 'click', x: 400, y: 180 });
  });

  it('scales to the size the chart was last laid out for while a resize is on its way', () => {
    expect(chartPointerInput('pointermove', 300, 140, box, { width: 200, height: 90 })).toEqual({ type: 'mousemove', x: 100, y: 45 });
  });

  it('uses the canvas size before the chart has one', () => {
    expect(chartPointerInput('pointermove', 150, 60, box, { width: 0, height: 0 })).toEqual({ type: 'mousemove', x: 50, y: 10 });
  });

  it('turns leaving the canvas into chart.js mouseout, which hides the tooltip', () => {
    expect(chartPointerInput('pointerleave', 90, 60, box, box)?.type).toBe('mouseout');
    expect(chartPointerInput('pointercancel', 90, 60, box, box)?.type).toBe('mouseout');
  });

  it('forwards nothing for events chart.js does not take, or a canvas not laid out', () => {
    expect(chartPointerInput('pointerdown', 150, 60, box, box)).toBeNull();
    expect(chartPointerInput('pointermove', 150, 60, { ...box, width: 0 }, box)).toBeNull();
  });
});

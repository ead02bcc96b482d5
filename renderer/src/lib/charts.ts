import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartOptions } from 'chart.js';
import { chartFrames } from './chart-frames.ts';
import { cssColour } from './theme.svelte.ts';

// Register only what the line charts use, so the bundle leaves the rest of chart.js out.
Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

export { Chart };

export interface XY {
  x: number;
  y: number;
}

/** Options shared by the live charts: no animation (data arrives every second), theme colours. */
export function liveLineOptions(element: Element, xTitle: string, yTitle: string, yFromZero = true): ChartOptions<'line'> {
  const grid = cssColour(element, '--chart-grid');
  const text = cssColour(element, '--muted');
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    interaction: { mode: 'nearest', intersect: false },
    elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
    scales: {
      x: { type: 'linear', title: { display: true, text: xTitle, color: text }, grid: { color: grid }, ticks: { color: text, maxTicksLimit: 7 } },
      y: {
        type: 'linear',
        title: { display: true, text: yTitle, color: text },
        grid: { color: grid },
        ticks: { color: text, maxTicksLimit: 6 },
        beginAtZero: yFromZero,
      },
    },
    plugins: {
      legend: { labels: { color: text, boxWidth: 12 } },
      tooltip: { enabled: true },
    },
  };
}

/** Re-reads the theme colours into an existing chart (after a theme change), without re-creating it. */
export function applyThemeColours(chart: Chart<'line', XY[]>, element: Element): void {
  const grid = cssColour(element, '--chart-grid');
  const text = cssColour(element, '--muted');
  for (const scale of Object.values(chart.options.scales ?? {})) {
    if (!scale) continue;
    if (scale.grid) scale.grid.color = grid;
    if (scale.ticks) scale.ticks.color = text;
    if ('title' in scale && scale.title) scale.title.color = text;
  }
  if (chart.options.plugins?.legend?.labels) chart.options.plugins.legend.labels.color = text;
}

/** Redraws a chart in an animation frame of its own (lib/chart-frames.ts), with its data as it is then; `drawn` runs right after. */
export function redrawInFrame<C extends Chart<'line', XY[], string>>(chart: C, drawn: (chart: C) => void = () => {}): void {
  chartFrames.schedule(chart, () => {
    chart.update('none');
    drawn(chart);
  });
}

/** Destroys a chart, and its redraw if one is pending. */
export function destroyChart(chart: Chart<'line', XY[], string> | null): void {
  if (!chart) return;
  chartFrames.cancel(chart);
  chart.destroy();
}

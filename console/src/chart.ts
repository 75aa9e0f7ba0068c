import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  format?: (value: number | null) => string;
}

interface ChartProps {
  /** What the chart shows, for its accessible name and the table beside it. */
  title: string;
  /** Unix seconds of each point. */
  times: number[];
  series: ChartSeries[];
}

/** Dark enough on white for 3:1 non-text contrast, and told apart by dash as well as colour. */
const palette = ['#1d4ed8', '#b45309', '#047857', '#7e22ce', '#be123c', '#0e7490', '#4d7c0f', '#334155'];

/**
 * A uPlot time chart sized to its container, with the same numbers in a table beneath for
 * screen readers and keyboard users (a canvas says nothing to them).
 */
export function TimeChart({ title, times, series }: ChartProps) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element || times.length === 0) return;
    const width = () => Math.max(260, element.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 220,
        series: [
          {},
          ...series.map((line, index) => ({
            label: line.label,
            stroke: palette[index % palette.length] ?? '#1d4ed8',
            width: 2,
            dash: index % 2 === 1 ? [6, 4] : [],
            points: { show: times.length < 40 },
            ...(line.format ? { value: (_: uPlot, value: number | null) => line.format?.(value) ?? String(value) } : {}),
          })),
        ],
        axes: [{}, { size: 80, ...(series[0]?.format ? { values: (_: uPlot, splits: number[]) => splits.map((split) => series[0]?.format?.(split) ?? String(split)) } : {}) }],
        scales: { x: { time: true } },
        legend: { live: false },
      },
      [times, ...series.map((line) => line.values)] as uPlot.AlignedData,
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series]);
  if (times.length === 0) return html`<p class="empty">No data for ${title.toLowerCase()} yet.</p>`;
  return html`<figure class="chart">
    <div ref=${container} role="img" aria-label=${`${title}: a chart of ${series.map((line) => line.label).join(', ')}; the data follows as a table`}></div>
    <figcaption>${title}</figcaption>
    <details>
      <summary>${title} as a table</summary>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">Period (UTC)</th>${series.map((line) => html`<th scope="col">${line.label}</th>`)}</tr></thead>
          <tbody>
            ${times.map(
              (time, row) => html`<tr>
                <th scope="row">${new Date(time * 1000).toISOString().replace('T', ' ').slice(0, 16)}</th>
                ${series.map((line) => html`<td>${line.format ? line.format(line.values[row] ?? null) : String(line.values[row] ?? '—')}</td>`)}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>
  </figure>`;
}

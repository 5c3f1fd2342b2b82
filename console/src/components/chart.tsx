import { useEffect, useRef } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';

/**
 * uPlot, loaded with the first chart (out of the initial bundle). It reads
 * `navigator.language` when it loads, which throws on a locale tag the
 * browser reports but Intl refuses (`en-US@posix`): the chart is then left
 * out and its numbers' table stays.
 */
const loadUPlot = () => import('uplot').then((m) => m.default);

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
}

/**
 * A line chart (uPlot) of series over x positions labelled `labels` (days,
 * commits). The numbers are also given as a table for screen readers and
 * keyboard users.
 */
export function LineChart({
  title,
  labels,
  series,
  format = (v) => String(v),
}: {
  title: string;
  labels: string[];
  series: Series[];
  format?: (v: number) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || labels.length === 0) return;
    let plot: { destroy(): void } | undefined;
    let gone = false;
    loadUPlot()
      .then((uPlot) => {
        if (gone) return;
        const width = Math.max(280, Math.min(720, el.clientWidth || 600));
        plot = new uPlot(
          {
            width,
            height: 200,
            scales: { x: { time: false } },
            axes: [
              { values: (_u, ticks) => ticks.map((t) => labels[Math.round(t)] ?? '') },
              { values: (_u, ticks) => ticks.map((t) => format(t)) },
            ],
            series: [{ label: 'x' }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2 }))],
            legend: { show: true },
          },
          [labels.map((_, i) => i), ...series.map((s) => s.values)],
          el,
        );
      })
      .catch(() => undefined);
    return () => {
      gone = true;
      plot?.destroy();
    };
  }, [labels, series, format]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {labels.length === 0 ? <p>No data in this period yet.</p> : <div ref={box} aria-hidden="true" />}
      {labels.length > 0 && (
        <details>
          <summary>{title}: the numbers</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                {series.map((s) => (
                  <th scope="col" key={s.label}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, i) => (
                <tr key={label + i}>
                  <td>{label}</td>
                  {series.map((s) => (
                    <td key={s.label}>{s.values[i] == null ? '—' : format(s.values[i] as number)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}

export const percent = (v: number) => `${Math.round(v * 100)}%`;

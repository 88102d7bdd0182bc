import type { ChartRecord } from './fake-studio';

/**
 * Stands in for uPlot (happy-dom has no canvas): each chart records its series and every `setData`,
 * so a test can tell new data from a rebuilt chart. Use with
 * `vi.mock('uplot', async () => (await import('../support/fake-uplot')).uplotModule)`.
 */
export const charts: ChartRecord[] = [];

class FakePlot {
  readonly record: ChartRecord;
  width: number;
  constructor(options: { width: number; series: { label?: string }[] }, data: unknown[][]) {
    this.width = options.width;
    this.record = { series: options.series.slice(1).map((s) => s.label ?? ''), data, setData: [], destroyed: false };
    charts.push(this.record);
  }
  setData(data: unknown[][]): void {
    this.record.setData.push(data);
    this.record.data = data;
  }
  setSize(size: { width: number }): void {
    this.width = size.width;
  }
  redraw(): void {
    this.record.redraws = (this.record.redraws ?? 0) + 1;
  }
  destroy(): void {
    this.record.destroyed = true;
  }
}

export const uplotModule = { default: FakePlot };

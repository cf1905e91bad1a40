/**
 * ECharts is most of the page's JavaScript, so it loads as its own chunk, started once the first
 * view's API calls are out (main.ts), while the server answers them: the headline (plain DOM)
 * shows without waiting for it.
 */
import type { EChartsOption } from 'echarts';
import type * as Charts from './charts.js';

let loading: Promise<typeof Charts> | null = null;

function load(): Promise<typeof Charts> {
  loading ??= import('./charts.js');
  return loading;
}

export function preloadCharts(): void {
  void load();
}

export async function mountChart(el: HTMLElement, build: (compact: boolean) => EChartsOption, label: string): Promise<Charts.MountedChart> {
  return (await load()).mountChart(el, build, label);
}

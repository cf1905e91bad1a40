/**
 * ECharts, imported piece by piece (core + the three chart types and five components the page
 * draws), so the bundle carries only what is used. Canvas rendering, so a chart exports as PNG.
 */
import { init, use, type ECharts } from 'echarts/core';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';
import { PALETTE } from '../../src/report-html/palette.js';

use([LineChart, BarChart, ScatterChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

export interface MountedChart {
  readonly chart: ECharts;
  /** A PNG of the chart on the card's colour, at twice the screen's resolution. */
  png(): string;
  dispose(): void;
}

/** Draws an option into an element; `build(compact)` is called again when the width class changes. */
export function mountChart(el: HTMLElement, build: (compact: boolean) => EChartsOption, label: string): MountedChart {
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  const chart = init(el, undefined, { renderer: 'canvas' });
  let compact = el.clientWidth < 520;
  chart.setOption(build(compact));
  const observer = new ResizeObserver(() => {
    const nowCompact = el.clientWidth < 520;
    if (nowCompact !== compact) {
      compact = nowCompact;
      chart.setOption(build(compact), { notMerge: true });
    }
    chart.resize();
  });
  observer.observe(el);
  return {
    chart,
    // On the card's colour: white, or the dark card in dark mode (the chart's text is drawn for it).
    png: () => chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: PALETTE.background }),
    dispose() {
      observer.disconnect();
      chart.dispose();
    },
  };
}

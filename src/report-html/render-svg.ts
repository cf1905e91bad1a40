/**
 * ECharts rendered to an SVG string on the server (no DOM, no canvas): the report's charts are
 * plain markup inside the HTML file, so it opens anywhere without network or scripts.
 */
import type { EChartsOption } from 'echarts';
import { init, use } from 'echarts/core';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

use([LineChart, BarChart, ScatterChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, SVGRenderer]);

export function renderSvg(option: EChartsOption, width: number, height: number): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false });
    return chart.renderToSVGString();
  } finally {
    // Disposing stops ECharts' animation loop, which would otherwise keep the process alive.
    chart.dispose();
  }
}

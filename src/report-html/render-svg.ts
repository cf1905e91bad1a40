/**
 * ECharts rendered to an SVG string on the server (no DOM, no canvas): the report's charts are
 * plain markup inside the HTML file, so it opens anywhere without network or scripts.
 */
import { createRequire } from 'node:module';
import type * as ECharts from 'echarts';

type Charts = typeof ECharts;
let charts: Charts | undefined;

/**
 * ECharts' one-file CommonJS build, loaded on the first chart: its ES modules are ~600 files,
 * which cost every CLI command that could render a report half a second to load, drawn or not.
 */
function echarts(): Charts {
  charts ??= createRequire(import.meta.url)('echarts') as Charts;
  return charts;
}

export function renderSvg(option: ECharts.EChartsOption, width: number, height: number): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false });
    return chart.renderToSVGString();
  } finally {
    // Disposing stops ECharts' animation loop, which would otherwise keep the process alive.
    chart.dispose();
  }
}

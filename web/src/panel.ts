/**
 * A panel: a titled card with loading, empty, error and ready states, and its downloads (CSV of
 * the API's data; PNG of the chart under a header naming the panel, the range and the filters).
 * Both files are named after the view: `uprate-trend-2026-01..2026-11-enterprise.csv`. Every
 * panel of the page is one of these.
 */
import { ApiError } from './api.js';
import type { MountedChart } from './charts.js';
import { toCsv, type CsvTable } from './csv.js';
import { PALETTE } from '../../src/report-html/palette.js';
import { download, fill, h, type Child } from './dom.js';

export interface PanelOptions {
  readonly id: string;
  readonly title: string;
  /** One line saying what the panel shows and how to read it. */
  readonly subtitle?: string;
  readonly className?: string;
}

/** The view the page shows, for the downloads' names and the PNG's header. */
export interface PanelView {
  /** The range's first and last day (`YYYY-MM-DD`); empty when there is no data yet. */
  readonly from: string;
  readonly to: string;
  /** The active filters as the page's breadcrumbs say them: `Account size = enterprise`, `Region ≠ EMEA`. */
  readonly filters: readonly string[];
  /** The page's title, printed above the panel's in a PNG. */
  readonly title: string;
}

/** Longest filter part of a file name, in characters. */
const MAX_FILTER_SLUG = 48;

/** Lower-case letters and digits, anything else one dash: `Cross_sell (EU)` → `cross-sell-eu`. */
function slug(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Whether `from..to` covers whole calendar months (first of a month to last of a month). */
function wholeMonths(from: string, to: string): boolean {
  const next = new Date(`${to}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return from.endsWith('-01') && next.getUTCDate() === 1;
}

/**
 * The download's name: `uprate-<panel>-<from>..<to>[-<filter values>].<ext>`, the range in months
 * when it is whole months, else in days; the filters by their values (`not-` for a left-out
 * one), slugged and capped at {@link MAX_FILTER_SLUG} characters.
 */
export function exportFileName(panelId: string, view: PanelView | null, ext: 'csv' | 'png'): string {
  const parts = [`uprate-${panelId}`];
  if (view?.from && view.to) parts.push(wholeMonths(view.from, view.to) ? `${view.from.slice(0, 7)}..${view.to.slice(0, 7)}` : `${view.from}..${view.to}`);
  const values = (view?.filters ?? []).map((text) => {
    const m = /\s([=≠])\s(.*)$/.exec(text);
    return slug(m ? `${m[1] === '≠' ? 'not ' : ''}${m[2]}` : text);
  });
  let filters = values.filter(Boolean).join('-');
  if (filters.length > MAX_FILTER_SLUG) {
    // Cut at a dash when there is one, so no value is cut in the middle.
    const cut = filters.slice(0, MAX_FILTER_SLUG + 1);
    const dash = cut.lastIndexOf('-');
    filters = dash > 0 ? cut.slice(0, dash) : cut.slice(0, MAX_FILTER_SLUG);
  }
  if (filters) parts.push(filters);
  return `${parts.join('-')}.${ext}`;
}

export class Panel {
  readonly root: HTMLElement;
  readonly body: HTMLElement;
  private readonly note: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly sub: HTMLElement | null;
  private readonly csvButton: HTMLButtonElement;
  private readonly pngButton: HTMLButtonElement;
  private csv: (() => CsvTable) | null = null;
  private charts: MountedChart[] = [];
  private view: PanelView | null = null;

  constructor(readonly options: PanelOptions) {
    const titleId = `${options.id}-title`;
    this.csvButton = h('button', { type: 'button', class: 'tool', 'data-action': 'csv', title: 'Download this panel\'s data as CSV', onclick: () => this.downloadCsv() }, 'CSV');
    this.pngButton = h('button', { type: 'button', class: 'tool', 'data-action': 'png', title: 'Download the chart as PNG', onclick: () => void this.downloadPng() }, 'PNG');
    this.csvButton.disabled = true;
    this.pngButton.hidden = true;
    this.note = h('p', { class: 'panel-note' });
    this.heading = h('h2', { id: titleId }, options.title);
    this.sub = options.subtitle ? h('p', { class: 'panel-sub' }, options.subtitle) : null;
    this.body = h('div', { class: 'panel-body', 'aria-live': 'polite' });
    this.root = h(
      'section',
      { class: `panel ${options.className ?? ''}`, id: options.id, 'aria-labelledby': titleId },
      h('header', { class: 'panel-head' },
        h('div', {}, this.heading, this.sub),
        h('div', { class: 'panel-tools' }, this.pngButton, this.csvButton)),
      this.body,
      this.note,
    );
  }

  loading(): void {
    this.disposeCharts();
    this.root.setAttribute('aria-busy', 'true');
    this.csvButton.disabled = true;
    fill(this.body, h('div', { class: 'state state-loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading…'));
    this.note.textContent = '';
  }

  error(e: unknown): void {
    this.disposeCharts();
    this.root.removeAttribute('aria-busy');
    const err = e instanceof ApiError ? e : null;
    const message = err ? err.message : e instanceof Error ? e.message : String(e);
    fill(
      this.body,
      h('div', { class: 'state state-error', role: 'alert' },
        h('strong', {}, err?.needsToken ? 'Access denied' : 'Could not load this panel'),
        h('span', {}, message),
        err?.hint ? h('span', { class: 'hint' }, err.hint) : null),
    );
  }

  empty(message: string): void {
    this.disposeCharts();
    this.root.removeAttribute('aria-busy');
    fill(this.body, h('div', { class: 'state state-empty' }, message));
  }

  /** Shows the content; `csv` builds the download from the API's answer. */
  ready(csv: (() => CsvTable) | null, ...content: Child[]): void {
    this.disposeCharts();
    this.root.removeAttribute('aria-busy');
    this.csv = csv;
    this.csvButton.disabled = csv === null;
    fill(this.body, ...content);
  }

  /** Registers a chart drawn in the body (for PNG export and clean-up). */
  addChart(chart: MountedChart): void {
    // The chart module loads asynchronously: the panel may have moved on to newer data meanwhile.
    if (!this.body.contains(chart.chart.getDom())) {
      chart.dispose();
      return;
    }
    this.charts.push(chart);
    this.pngButton.hidden = false;
  }

  setTitle(text: string): void {
    this.heading.textContent = text;
  }

  setSubtitle(text: string): void {
    if (this.sub) this.sub.textContent = text;
  }

  /** The view the page shows now: names the downloads and heads the PNG. */
  setView(view: PanelView): void {
    this.view = view;
  }

  setNote(text: string): void {
    this.note.textContent = text;
  }

  private disposeCharts(): void {
    for (const c of this.charts) c.dispose();
    this.charts = [];
    this.pngButton.hidden = true;
  }

  private downloadCsv(): void {
    if (this.csv) download(exportFileName(this.options.id, this.view, 'csv'), toCsv(this.csv()), 'text/csv;charset=utf-8');
  }

  private async downloadPng(): Promise<void> {
    const chart = this.charts[0];
    if (!chart) return;
    download(exportFileName(this.options.id, this.view, 'png'), await withHeader(chart.png(), this.headerLines()), 'image/png');
  }

  /** The PNG's header: the panel's title, then the page's title and the range, then the filters. */
  private headerLines(): HeaderLine[] {
    const v = this.view;
    const range = v?.from && v.to ? `${dayText(v.from)} – ${dayText(v.to)}` : '';
    return [
      { text: this.heading.textContent ?? this.options.title, bold: true },
      { text: [v?.title, range].filter(Boolean).join(' · '), bold: false },
      { text: v?.filters.length ? `Filtered to ${v.filters.join('; ')}` : 'No filters', bold: false },
    ];
  }
}

interface HeaderLine {
  readonly text: string;
  readonly bold: boolean;
}

function dayText(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(navigator.language || 'en-US', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(d);
}

/** Colours of the PNG's header (the page's ink and muted text, on white as the chart is). */
/** The PNG header's colours: the palette's now (light, or dark in dark mode, as the chart under it). */
const HEADER = {
  get ink(): string { return PALETTE.text; },
  get muted(): string { return PALETTE.muted; },
  get background(): string { return PALETTE.background; },
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
} as const;

/**
 * The chart's PNG (a data URL at twice the screen's resolution) under a white band holding the
 * header lines, as a new PNG data URL. A line too wide for the chart is cut with an ellipsis.
 */
async function withHeader(chartPng: string, lines: readonly HeaderLine[]): Promise<string> {
  const image = new Image();
  image.src = chartPng;
  await image.decode();
  const scale = 2;
  const pad = 12 * scale;
  const sizes = lines.map((l) => (l.bold ? 16 : 12) * scale);
  const gap = 6 * scale;
  const band = pad * 2 + sizes.reduce((a, b) => a + b, 0) + gap * (lines.length - 1);
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = band + image.naturalHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx) return chartPng;
  ctx.fillStyle = HEADER.background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.textBaseline = 'top';
  let y = pad;
  lines.forEach((line, i) => {
    const size = sizes[i] ?? 12 * scale;
    ctx.font = `${line.bold ? 650 : 400} ${size}px ${HEADER.font}`;
    ctx.fillStyle = line.bold ? HEADER.ink : HEADER.muted;
    ctx.fillText(fitText(ctx, line.text, canvas.width - pad * 2), pad, y);
    y += size + gap;
  });
  ctx.drawImage(image, 0, band);
  return canvas.toDataURL('image/png');
}

function fitText(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

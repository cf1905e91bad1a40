/**
 * A panel: a titled card with loading, empty, error and ready states, and its downloads (CSV of
 * the API's data; PNG of the chart). Every panel of the page is one of these.
 */
import { ApiError } from './api.js';
import type { MountedChart } from './charts.js';
import { toCsv, type CsvTable } from './csv.js';
import { download, fill, h, type Child } from './dom.js';

export interface PanelOptions {
  readonly id: string;
  readonly title: string;
  /** One line saying what the panel shows and how to read it. */
  readonly subtitle?: string;
  readonly className?: string;
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

  constructor(readonly options: PanelOptions) {
    const titleId = `${options.id}-title`;
    this.csvButton = h('button', { type: 'button', class: 'tool', 'data-action': 'csv', title: 'Download this panel\'s data as CSV', onclick: () => this.downloadCsv() }, 'CSV');
    this.pngButton = h('button', { type: 'button', class: 'tool', 'data-action': 'png', title: 'Download the chart as PNG', onclick: () => this.downloadPng() }, 'PNG');
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

  setNote(text: string): void {
    this.note.textContent = text;
  }

  private disposeCharts(): void {
    for (const c of this.charts) c.dispose();
    this.charts = [];
    this.pngButton.hidden = true;
  }

  private downloadCsv(): void {
    if (this.csv) download(`uprate-${this.options.id}.csv`, toCsv(this.csv()), 'text/csv;charset=utf-8');
  }

  private downloadPng(): void {
    const chart = this.charts[0];
    if (chart) download(`uprate-${this.options.id}.png`, chart.png(), 'image/png');
  }
}

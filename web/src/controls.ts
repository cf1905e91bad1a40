/**
 * The controls: date range, grain, offer type (when the KPI binding has one) and a filter on any of
 * the binding's dimensions (listed from GET /api/v1/binding, values with their offer counts from a
 * Cube /load of the bound offers measure). Native form elements only, so everything works from
 * the keyboard.
 */
import { cubeRows } from './api.js';
import { h } from './dom.js';
import { GRAINS, NOT_RECORDED, RANGE_LABELS, RANGE_PRESETS, addFilter, apiFilters, type ViewState } from './state.js';

export interface Dimension {
  readonly member: string;
  readonly title: string;
}

export interface ControlsInput {
  readonly state: ViewState;
  readonly range: { from: string; to: string } | null;
  readonly extent: { first: string; last: string } | null;
  readonly dimensions: readonly Dimension[];
  /** The bound offers measure (`members.offers`): the filter's values are listed with their offers. */
  readonly offersMeasure: string;
  /** The binding has an offer-type dimension: show the offer-type control. */
  readonly offerTypes: boolean;
  /** The bound time dimension and offer-type member: a filter's values are counted within the page's range, type and other filters. */
  readonly timeMember?: string;
  readonly offerTypeMember?: string | null;
  readonly onChange: (next: ViewState) => void;
  readonly formatCount: (n: number) => string;
}

const GRAIN_LABELS = { week: 'Week', month: 'Month', quarter: 'Quarter' } as const;

export function dimensionTitle(dimensions: readonly Dimension[], member: string): string {
  return dimensions.find((d) => d.member === member)?.title ?? member;
}

export function renderControls(input: ControlsInput): HTMLElement {
  const { state, onChange } = input;
  const field = (label: string, control: HTMLElement, id: string) => h('div', { class: 'field' }, h('label', { for: id }, label), control);

  const rangeSelect = h('select', { id: 'ctl-range', 'data-testid': 'range' }, ...[...RANGE_PRESETS, 'custom' as const].map((r) => h('option', { value: r, selected: r === state.range }, RANGE_LABELS[r])));
  rangeSelect.addEventListener('change', () => {
    const value = rangeSelect.value as ViewState['range'];
    if (value === 'custom') onChange({ ...state, range: 'custom', from: input.range?.from ?? null, to: input.range?.to ?? null });
    else onChange({ ...state, range: value, from: null, to: null });
  });
  const dateInput = (id: string, value: string | undefined, apply: (v: string) => ViewState | null) => {
    const el = h('input', { id, type: 'date', value: value ?? '', min: input.extent?.first, max: input.extent?.last, 'data-testid': id });
    el.addEventListener('change', () => {
      if (!el.value) return;
      const next = apply(el.value);
      if (next) onChange(next);
    });
    return el;
  };
  const fromInput = dateInput('ctl-from', input.range?.from, (v) => ({ ...state, range: 'custom', from: v, to: input.range && input.range.to >= v ? input.range.to : v }));
  const toInput = dateInput('ctl-to', input.range?.to, (v) => ({ ...state, range: 'custom', to: v, from: input.range && input.range.from <= v ? input.range.from : v }));

  const compareSelect = h(
    'select',
    { id: 'ctl-compare', 'data-testid': 'compare' },
    h('option', { value: '', selected: state.compare === null }, 'Nothing'),
    h('option', { value: 'previous', selected: state.compare === 'previous' }, 'The period before'),
    h('option', { value: 'year', selected: state.compare === 'year' }, 'Same period last year'),
  );
  compareSelect.addEventListener('change', () => onChange({ ...state, compare: compareSelect.value === 'previous' || compareSelect.value === 'year' ? compareSelect.value : null }));

  const grainSelect = h('select', { id: 'ctl-grain', 'data-testid': 'grain' }, ...GRAINS.map((g) => h('option', { value: g, selected: g === state.grain }, GRAIN_LABELS[g])));
  grainSelect.addEventListener('change', () => onChange({ ...state, grain: grainSelect.value as ViewState['grain'] }));

  const typeSelect = h(
    'select',
    { id: 'ctl-type', 'data-testid': 'offer-type' },
    h('option', { value: '', selected: state.offerType === null }, 'Upsell and cross-sell'),
    h('option', { value: 'upsell', selected: state.offerType === 'upsell' }, 'Upsell only'),
    h('option', { value: 'cross_sell', selected: state.offerType === 'cross_sell' }, 'Cross-sell only'),
  );
  typeSelect.addEventListener('change', () => onChange({ ...state, offerType: typeSelect.value === 'upsell' || typeSelect.value === 'cross_sell' ? typeSelect.value : null }));

  // Filter: pick a dimension, whether to keep or leave out, then one of its values (with its
  // offers in the current selection), then add; adding another value of the member widens it.
  const dimSelect = h('select', { id: 'ctl-dim', 'data-testid': 'filter-dimension' }, h('option', { value: '' }, 'Choose a dimension…'), ...input.dimensions.map((d) => h('option', { value: d.member }, d.title)));
  const opSelect = h('select', { id: 'ctl-op', 'data-testid': 'filter-operator' }, h('option', { value: 'is' }, 'is'), h('option', { value: 'not' }, 'is not'));
  const valueSelect = h('select', { id: 'ctl-value', 'data-testid': 'filter-value', disabled: true }, h('option', { value: '' }, '…then a value'));
  const addButton = h('button', { type: 'button', class: 'primary', 'data-testid': 'filter-add', disabled: true }, 'Add filter');
  dimSelect.addEventListener('change', () => void loadValues(dimSelect.value, valueSelect, addButton, input));
  valueSelect.addEventListener('change', () => {
    addButton.disabled = !valueSelect.value;
  });
  addButton.addEventListener('click', () => {
    if (dimSelect.value && valueSelect.value) onChange(addFilter(state, dimSelect.value, valueSelect.value, opSelect.value === 'not'));
  });

  return h(
    'form',
    { class: 'controls', 'aria-label': 'What to show', onsubmit: (e: Event) => e.preventDefault() },
    h('div', { class: 'control-row' },
      field('Date range', rangeSelect, 'ctl-range'),
      field('From', fromInput, 'ctl-from'),
      field('To', toInput, 'ctl-to'),
      field('Grain', grainSelect, 'ctl-grain'),
      field('Compare with', compareSelect, 'ctl-compare'),
      input.offerTypes ? field('Offer type', typeSelect, 'ctl-type') : null),
    h('div', { class: 'control-row filter-row' },
      field('Filter on', dimSelect, 'ctl-dim'),
      field('Keep', opSelect, 'ctl-op'),
      field('Value', valueSelect, 'ctl-value'),
      // The active filters are the page's breadcrumbs (always in view, also with the controls folded).
      h('div', { class: 'field field-button' }, addButton)),
  );
}

/** Each value list's latest load: an earlier one answering after it (a member changed while its values loaded) leaves the list alone. */
const latestLoad = new WeakMap<HTMLSelectElement, number>();
let loads = 0;

async function loadValues(member: string, select: HTMLSelectElement, add: HTMLButtonElement, input: ControlsInput): Promise<void> {
  const load = ++loads;
  latestLoad.set(select, load);
  const latest = () => latestLoad.get(select) === load;
  select.disabled = true;
  add.disabled = true;
  select.replaceChildren(h('option', { value: '' }, member ? 'Loading values…' : '…then a value'));
  if (!member) {
    select.removeAttribute('aria-busy');
    return;
  }
  // Busy while the values load (read by assistive technology, and by the bench, which waits for them).
  select.setAttribute('aria-busy', 'true');
  try {
    const offers = input.offersMeasure;
    const { state, range } = input;
    // Counted within the page's selection: its range, offer type and the other members' filters.
    const others = apiFilters({ ...state, filters: state.filters.filter((f) => f.member !== member) });
    const type = state.offerType && input.offerTypeMember ? [{ member: input.offerTypeMember, operator: 'equals', values: [state.offerType] }] : [];
    const query = {
      measures: [offers],
      dimensions: [member],
      ...(range && input.timeMember ? { timeDimensions: [{ dimension: input.timeMember, dateRange: [range.from, range.to] as [string, string] }] } : {}),
      ...(others.length || type.length ? { filters: [...others, ...type] as never } : {}),
      order: { [offers]: 'desc' as const },
      limit: 200,
    };
    const rows = await cubeRows(query);
    if (!latest()) return;
    const values = rows
      .map((r) => ({ value: r[member] === null || r[member] === undefined ? NOT_RECORDED : typeof r[member] === 'number' ? String(r[member]) : r[member], n: Number(r[offers] ?? 0) }))
      .filter((r): r is { value: string; n: number } => typeof r.value === 'string' && r.value !== '');
    const label = (v: string) => (v === NOT_RECORDED ? 'not recorded' : v.replace(/_/g, ' '));
    select.replaceChildren(h('option', { value: '' }, values.length ? 'Choose a value…' : 'No values in this selection'), ...values.map((v) => h('option', { value: v.value }, `${label(v.value)} (${input.formatCount(v.n)})`)));
    select.disabled = values.length === 0;
  } catch (e) {
    if (latest()) select.replaceChildren(h('option', { value: '' }, `Could not load values: ${e instanceof Error ? e.message : String(e)}`));
  } finally {
    if (latest()) select.removeAttribute('aria-busy');
  }
}

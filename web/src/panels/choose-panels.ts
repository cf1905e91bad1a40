/**
 * "Choose breakdowns": which breakdown panels the page shows (any dimension the KPI binding
 * offers), which of them show their segments over time, and the time-to-accept panel — all kept
 * in the URL (`?panels=account_size,region&overTime=region&timeToAccept=offer_type`, state.ts),
 * so a reload, a shared link and the back button restore them. The chooser is a list of
 * checkboxes and each panel's toggle a button: the keyboard reaches everything. The DOM is made
 * once per binding and only updated, so focus stays where it was after a choice.
 */
import { breakdownPanels } from '../../../src/report-html/breakdown-panels.js';
import { panelDimensionsOf, type BindingDocument } from '../binding.js';
import { fill, h } from '../dom.js';
import { Panel } from '../panel.js';
import type { ViewState } from '../state.js';
import './segment-panels.css';

/** A breakdown panel on the page. */
export interface ShownBreakdown {
  readonly member: string;
  readonly title: string;
  readonly panel: Panel;
  /** One small chart per segment over time instead of the forest plot. */
  readonly overTime: boolean;
}

export interface ShownPanels {
  readonly breakdowns: readonly ShownBreakdown[];
  /** The time-to-accept panel and the dimension of its segments, when shown. */
  readonly timeToAccept: { readonly panel: Panel; readonly member: string } | null;
}

const BREAKDOWN_SUBTITLE = 'Rate and interval per segment; ▲▼ differ significantly from the rest';
const OVER_TIME_SUBTITLE = 'Rate and interval per period, one chart per segment on the same axes; a period still filling in is drawn apart (hollow, shaded)';

interface Dimension {
  readonly member: string;
  readonly title: string;
  /** What the URL names it by: its key, or `Cube.member` when another dimension has the same key. */
  readonly key: string;
}

/** A panel id per member (`by-accountSize`); the cube joins in when two cubes share a name. */
function panelId(member: string, used: Set<string>): string {
  const [cube = member, name = member] = member.split('.');
  const id = used.has(`by-${name}`) ? `by-${cube}-${name}` : `by-${name}`;
  used.add(id);
  return id;
}

export class PanelChoice {
  private dimensions: Dimension[] = [];
  private defaults: string[] = [];
  private offerType: string | null = null;
  private panels = new Map<string, { panel: Panel; toggle: HTMLButtonElement }>();
  private boxes = new Map<string, HTMLInputElement>();
  private ttaBox: HTMLInputElement | null = null;
  private ttaSelect: HTMLSelectElement | null = null;
  private tta: Panel | null = null;
  private readonly grid = h('div', { class: 'grid grid-breakdowns', 'data-testid': 'breakdown-grid' });
  private readonly ttaSlot = h('div', { class: 'tta-slot' });
  private shownKey = '';
  private state: ViewState | null = null;

  /** `slot`: where the section goes; `go`: open a view (pushes it to the history). */
  constructor(
    private readonly slot: HTMLElement,
    private readonly go: (next: ViewState) => void,
  ) {}

  /** Makes the chooser and a panel per dimension for a binding (the page calls it once the binding is read). */
  bind(doc: BindingDocument, offersMeasure: string): void {
    const titled = breakdownPanels(doc.dimensions, offersMeasure);
    const keys = doc.dimensions.map((d) => d.key);
    this.dimensions = doc.dimensions.map((d, i) => ({ member: d.member, title: titled[i]?.title ?? d.title, key: keys.indexOf(d.key) === keys.lastIndexOf(d.key) ? d.key : d.member }));
    this.defaults = panelDimensionsOf(doc).map((d) => d.member);
    this.offerType = doc.members?.offerType ?? null;
    const used = new Set<string>();
    this.panels.clear();
    this.boxes.clear();
    this.shownKey = '';
    for (const d of this.dimensions) {
      const panel = new Panel({ id: panelId(d.member, used), title: d.title, subtitle: BREAKDOWN_SUBTITLE, className: 'panel-breakdown' });
      const toggle = h('button', { type: 'button', class: 'tool tool-toggle', 'aria-pressed': 'false', 'data-action': 'over-time', title: 'One small chart per segment over time', onclick: () => this.toggleOverTime(d.member) }, 'Over time');
      toggle.setAttribute('aria-label', `${d.title} over time`);
      // Beside the panel's downloads (the Panel keeps its own tools).
      panel.root.querySelector('.panel-tools')?.prepend(toggle);
      this.panels.set(d.member, { panel, toggle });
    }
    const canTta = Boolean(doc.members?.daysToAccept) && doc.dimensions.length > 0;
    this.tta = canTta ? new Panel({ id: 'time-to-accept', title: 'Time to accept', subtitle: 'Share of offers accepted within each number of days since the offer, per segment; offers still open count while they were followed (Kaplan–Meier)', className: 'panel-tta' }) : null;
    this.ttaSelect = null;
    if (this.tta) {
      const select = h('select', { id: 'tta-by', class: 'tool', onchange: () => this.choose({ timeToAccept: this.keyOf(select.value) }) }, ...this.dimensions.map((d) => h('option', { value: d.member }, d.title)));
      this.ttaSelect = select;
      this.tta.root.querySelector('.panel-tools')?.prepend(h('label', { class: 'tta-by', for: 'tta-by' }, 'Segments by'), select);
    }
    const checkbox = (id: string, text: string, onchange: (on: boolean) => void) => {
      const box = h('input', { type: 'checkbox', id, onchange: () => onchange(box.checked) });
      return { box, item: h('li', {}, box, h('label', { for: id }, text)) };
    };
    const items = this.dimensions.map((d, i) => {
      const { box, item } = checkbox(`choose-${i}`, d.title, (on) => this.togglePanel(d.member, on));
      box.dataset['member'] = d.member;
      this.boxes.set(d.member, box);
      return item;
    });
    const ttaItem = canTta ? checkbox('choose-tta', 'Time to accept', (on) => this.choose({ timeToAccept: on ? this.keyOf(this.offerType ?? this.dimensions[0]?.member ?? '') : null })) : null;
    this.ttaBox = ttaItem?.box ?? null;
    const chooser = h(
      'details',
      { class: 'panel-chooser', 'data-testid': 'panel-chooser' },
      h('summary', {}, 'Choose breakdowns'),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Show a breakdown panel for'),
        h('ul', {}, ...items),
        ttaItem ? h('ul', { class: 'chooser-extra' }, ttaItem.item) : null,
        h('button', { type: 'button', class: 'link', onclick: () => this.choose({ panels: null, overTime: [], timeToAccept: null }) }, 'Back to the default panels'),
      ),
    );
    fill(
      this.slot,
      this.dimensions.length ? h('div', { class: 'segments-head' }, h('h2', { class: 'section-title' }, 'By segment'), chooser) : null,
      this.grid,
      this.ttaSlot,
    );
  }

  /** The panels a view shows, laid out (the DOM is only moved when the choice changed). */
  layout(state: ViewState): ShownPanels {
    this.state = state;
    const members = this.chosen(state);
    const overTime = new Set((state.overTime ?? []).map((k) => this.memberOf(k)).filter((m): m is string => m !== null));
    const breakdowns = members.flatMap((member): ShownBreakdown[] => {
      const p = this.panels.get(member);
      const d = this.dimensions.find((x) => x.member === member);
      if (!p || !d) return [];
      const on = overTime.has(member);
      p.toggle.setAttribute('aria-pressed', String(on));
      p.panel.setSubtitle(on ? OVER_TIME_SUBTITLE : BREAKDOWN_SUBTITLE);
      p.panel.root.classList.toggle('panel-over-time', on);
      return [{ member, title: d.title, panel: p.panel, overTime: on }];
    });
    for (const [member, box] of this.boxes) box.checked = members.includes(member);
    const ttaMember = state.timeToAccept ? this.memberOf(state.timeToAccept) : null;
    const tta = this.tta && ttaMember ? { panel: this.tta, member: ttaMember } : null;
    if (this.ttaBox) this.ttaBox.checked = tta !== null;
    if (this.ttaSelect && tta) this.ttaSelect.value = tta.member;
    const key = JSON.stringify([members, tta !== null]);
    if (key !== this.shownKey) {
      this.shownKey = key;
      fill(this.grid, ...breakdowns.map((b) => b.panel.root));
      fill(this.ttaSlot, tta ? tta.panel.root : null);
    }
    this.grid.hidden = breakdowns.length === 0;
    return { breakdowns, timeToAccept: tta };
  }

  /** Every panel shown now (for the page's loops over panels). */
  shown(state: ViewState): Panel[] {
    const { breakdowns, timeToAccept } = this.layout(state);
    return [...breakdowns.map((b) => b.panel), ...(timeToAccept ? [timeToAccept.panel] : [])];
  }

  /** The members of the chosen panels: the URL's, else the binding's default ones. */
  private chosen(state: ViewState): string[] {
    if (!state.panels) return [...this.defaults];
    return [...new Set(state.panels.map((k) => this.memberOf(k)).filter((m): m is string => m !== null))];
  }

  private memberOf(key: string): string | null {
    return this.dimensions.find((d) => d.key === key || d.member === key)?.member ?? null;
  }

  private keyOf(member: string): string {
    return this.dimensions.find((d) => d.member === member)?.key ?? member;
  }

  private choose(change: Partial<Pick<ViewState, 'panels' | 'overTime' | 'timeToAccept'>>): void {
    if (this.state) this.go({ ...this.state, ...change });
  }

  private togglePanel(member: string, on: boolean): void {
    if (!this.state) return;
    const now = this.chosen(this.state);
    const next = on ? [...now.filter((m) => m !== member), member] : now.filter((m) => m !== member);
    const same = next.length === this.defaults.length && next.every((m, i) => m === this.defaults[i]);
    const overTime = (this.state.overTime ?? []).filter((k) => this.memberOf(k) !== member || on);
    this.choose({ panels: same ? null : next.map((m) => this.keyOf(m)), overTime });
  }

  private toggleOverTime(member: string): void {
    if (!this.state) return;
    const keys = (this.state.overTime ?? []).filter((k) => this.memberOf(k) !== member);
    const on = keys.length === (this.state.overTime ?? []).length;
    this.choose({ overTime: on ? [...keys, this.keyOf(member)] : keys });
  }
}

/**
 * The dashboard's view state as a saved view keeps it: the page's URL query string without its
 * `?` (web/src/state.ts writes it). A saved state must be one the page reads back exactly: only
 * the page's parameters, each with a value its `readState` accepts — anything else is refused
 * here, naming the parameter, instead of being dropped silently when the view is opened.
 */
import { UprateError } from '../core/errors.js';

/** Longest state text kept (a view with many filters stays far below it). */
export const MAX_STATE_LENGTH = 2_000;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MEMBER = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;
const CHECKS: Readonly<Record<string, (value: string) => boolean>> = {
  range: (v) => ['mtd', 'lastmonth', '3m', '6m', '12m', 'ytd', 'all'].includes(v),
  from: (v) => DAY.test(v),
  to: (v) => DAY.test(v),
  grain: (v) => ['week', 'month', 'quarter'].includes(v),
  type: (v) => v === 'upsell' || v === 'cross_sell',
  compare: (v) => v === 'previous' || v === 'year',
  filter: (v) => {
    const eq = v.indexOf('=');
    return eq > 0 && MEMBER.test(v.slice(0, v[eq - 1] === '!' ? eq - 1 : eq));
  },
};

/**
 * The state text as stored (a leading `?` dropped), or a BAD_ARGUMENT at `state` naming what the
 * page would not read.
 *
 * @example
 *   viewState('?grain=week&filter=Customers.region%3Deurope') // 'grain=week&filter=Customers.region%3Deurope'
 */
export function viewState(text: string): string {
  const state = text.startsWith('?') ? text.slice(1) : text;
  const bad = (why: string) =>
    new UprateError('BAD_ARGUMENT', `state ${why}`, {
      location: 'state',
      hint: "save the page's own query string (range, from, to, grain, type, filter, compare), e.g. grain=week&filter=Customers.region%3Deurope",
    });
  if (state.length > MAX_STATE_LENGTH) throw bad(`is ${state.length} characters; at most ${MAX_STATE_LENGTH}`);
  const q = new URLSearchParams(state);
  for (const [name, value] of q) {
    const check = CHECKS[name];
    if (!check) throw bad(`has a parameter the dashboard does not read: '${name}'`);
    if (name !== 'filter' && q.getAll(name).length > 1) throw bad(`gives ${name} more than once`);
    if (!check(value)) throw bad(`has ${name}='${value}', which the dashboard does not read`);
  }
  const from = q.get('from');
  const to = q.get('to');
  if ((from === null) !== (to === null)) throw bad('gives only one of from and to');
  if (from !== null && to !== null && from > to) throw bad(`runs from ${from} to ${to}, which ends before it starts`);
  return state;
}

import type { KpiContext } from '../../src/insights/index.js';
import type { Model } from '../../src/model/index.js';
import { allAccess } from '../../src/query/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../../src/stats/index.js';
import type { Store } from '../../src/store/index.js';

/** The KPI context the judgement tests read with: everything visible, 30-day window, 95 % Wilson. */
export function demoContext(store: Store, model: Model, asOf: Date): KpiContext {
  return {
    store,
    model,
    asOf,
    access: allAccess('local'),
    windowDays: 30,
    thresholds: DEFAULT_BAND_THRESHOLDS,
    target: null,
    level: 0.95,
    method: 'wilson',
  };
}

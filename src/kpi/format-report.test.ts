import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DuckDbStore } from '../store/index.js';
import { formatReport } from './format-report.js';
import { buildReport, type Report, type ReportRow } from './report.js';
import { allAccess } from '../query/index.js';

const HOSTILE = ['=HYPERLINK("http://x","y")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx'];
/** Each hostile campaign as its CSV field, written out by hand (a leading ', RFC 4180 quoting). */
const DEFUSED = ['"\'=HYPERLINK(""http://x"",""y"")"', "'+1", "'-2+3", "'@SUM(A1)", "'\tx", '"\'\rx"'];

const cell = (campaign: string, revenue: number): ReportRow => ({
  segment: { campaign },
  offers: 4, accepted: 1, pending: 0, rate: 0.25, lower: 0.05, upper: 0.7, band: 'strong', provisional: false, pendingShare: 0,
  customersOffered: 2, customersConverted: 1, customerRate: 0.5, revenue, judgement: 'indeterminate', method: 'exact', variance: 'binomial', designEffect: 1,
});

describe('report CSV', () => {
  test('defuses formula-like segment names; a negative number stays a number', () => {
    const report: Report = {
      asOf: '2025-04-01T00:00:00.000Z', from: '2025-01-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z', grain: null, by: ['campaign'],
      offerType: null, windowDays: 30, level: 0.95, interval: 'wilson', thresholds: { strong: 0.2, poor: 0.1 },
      total: cell('', 0), rows: [cell('=HYPERLINK("http://x","y")', -0.5), cell('+1', 12.5), cell('\rx', 0)],
    };
    assert.equal(
      formatReport(report, 'csv'),
      'campaign,offers,accepted,pending,rate,lower,upper,band,provisional,pending_share,customers_offered,customers_converted,customer_rate,revenue,band_judgement,interval_method,design_effect\n' +
        '"\'=HYPERLINK(""http://x"",""y"")",4,1,0,0.25,0.05,0.7,strong,false,0,2,1,0.5,-0.5,indeterminate,exact,1\n' +
        "'+1,4,1,0,0.25,0.05,0.7,strong,false,0,2,1,0.5,12.5,indeterminate,exact,1\n" +
        '"\'\rx",4,1,0,0.25,0.05,0.7,strong,false,0,2,1,0.5,0,indeterminate,exact,1\n',
    );
  });

  test('hostile campaign names read from the store come out defused', async () => {
    const store = await DuckDbStore.open(':memory:');
    try {
      const values = HOSTILE.map((c, i) => `('o${i}', 'c1', '2025-01-0${i + 1} 09:00:00', 'upsell', 'Premium', ${`'${c.replaceAll("'", "''")}'`}, '2025-01-10 00:00:00')`);
      await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, campaign, declined_at) VALUES ${values.join(', ')}`);
      const csv = formatReport(await buildReport(store, allAccess('local'), { by: ['campaign'], asOf: new Date('2025-04-01T00:00:00Z') }), 'csv');
      // One declined offer per campaign: 1 offer, 0 accepted, 0 pending, rate 0.
      const starts = csv.split('\n').slice(1, -1).map((line) => line.split(',1,0,0,0,')[0]);
      assert.deepEqual([...starts].sort(), [...DEFUSED].sort());
    } finally {
      await store.close();
    }
  });
});

test('revenue in the table and Markdown carries the config\'s currency; CSV keeps the plain number', async () => {
  const { moneyText } = await import('./format-report.js');
  assert.equal(moneyText(1234.5), '$1,234.50');
  assert.equal(moneyText(1234.5, 'EUR'), '€1,234.50');
  assert.equal(moneyText(1234.5, 'JPY'), '¥1,234.50');
});

// Event-grain offers read in place from Parquet files (no table, no load): one row per offer
// made to an existing client. Paths are relative to this folder; only files under the config's
// files.roots (default: this folder) may be read. Names are this example's own, bound to the KPI
// in ../uprate.config.yaml.
//
// The conversion window comes from the config's conversionWindowDays (uprate.conversionWindowDays);
// uprate.now() is the query's clock, so "won" and "open" are judged as of it on every engine.
const windowEnd = uprate.addDays(`${CUBE}.offered_at`, uprate.conversionWindowDays);
const now = uprate.now();
const isWon = `${CUBE}.accepted_at IS NOT NULL AND ${CUBE}.accepted_at <= ${windowEnd} AND ${CUBE}.accepted_at <= ${now}`;
const isLost = `${CUBE}.declined_at IS NOT NULL AND ${CUBE}.declined_at <= ${now}`;

cube('Proposals', {
  sql: `SELECT * FROM read_parquet('data/offers.parquet')`,
  title: 'Proposals',

  joins: {
    Clients: { relationship: 'many_to_one', sql: `${CUBE}.customer_id = ${Clients}.customer_id` },
  },

  measures: {
    made: { type: 'count', title: 'Proposals made' },
    won: { type: 'count', filters: [{ sql: isWon }], title: 'Proposals won' },
    open: { type: 'count', filters: [{ sql: `NOT (${isWon}) AND NOT (${isLost}) AND ${windowEnd} > ${now}` }], title: 'Proposals still open' },
    winRate: { type: 'number', sql: `${won} * 1.0 / NULLIF(${made}, 0)`, format: 'percent', title: 'Win rate' },
    wonRevenue: { type: 'sum', sql: `CASE WHEN ${isWon} THEN ${CUBE}.revenue END`, format: 'currency', title: 'Revenue won' },
  },

  dimensions: {
    id: { sql: `${CUBE}.offer_id`, type: 'string', primaryKey: true },
    client: { sql: `${CUBE}.customer_id`, type: 'string', title: 'Client' },
    madeAt: { sql: `${CUBE}.offered_at`, type: 'time', title: 'Made at' },
    kind: { sql: `${CUBE}.offer_type`, type: 'string', title: 'Kind' },
    product: { sql: `${CUBE}.offer_name`, type: 'string', title: 'Product' },
    channel: { sql: `${CUBE}.channel`, type: 'string', title: 'Channel' },
    daysToWin: {
      sql: `CASE WHEN ${isWon} THEN floor(${uprate.daysBetween(`${CUBE}.offered_at`, `${CUBE}.accepted_at`)}) ELSE NULL END`,
      type: 'number',
      title: 'Days to win',
    },
  },
});

cube('Clients', {
  sql: `SELECT * FROM read_parquet('data/customers.parquet')`,
  title: 'Clients',
  dimensions: {
    id: { sql: `${CUBE}.customer_id`, type: 'string', primaryKey: true },
    size: { sql: `${CUBE}.account_size`, type: 'string', title: 'Size' },
    stage: { sql: `${CUBE}.lifecycle_stage`, type: 'string', title: 'Stage' },
    industry: { sql: `${CUBE}.industry`, type: 'string', title: 'Industry' },
    region: { sql: `${CUBE}.region`, type: 'string', title: 'Region' },
  },
});

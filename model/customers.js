// Customers: one row per customer; the segments offers are broken down by.

cube('Customers', {
  sql_table: 'customers',
  title: 'Customers',
  description: 'Existing customers and their segment attributes.',

  measures: {
    count: { type: 'count', description: 'Customers.', drillMembers: [customerId, accountSize, plan] },
  },

  dimensions: {
    customerId: { sql: `${CUBE}.customer_id`, type: 'string', primary_key: true, public: true, title: 'Customer ID' },
    accountSize: { sql: `${CUBE}.account_size`, type: 'string', description: 'smb, mid_market or enterprise' },
    lifecycleStage: { sql: `${CUBE}.lifecycle_stage`, type: 'string', description: 'onboarding, adoption, expansion, renewal or at_risk' },
    engagementScore: { sql: `${CUBE}.engagement_score`, type: 'number', description: '0 to 100' },
    engagementTier: {
      type: 'string',
      sql: `CASE WHEN ${CUBE}.engagement_score IS NULL THEN NULL WHEN ${CUBE}.engagement_score < 40 THEN 'low' WHEN ${CUBE}.engagement_score < 70 THEN 'medium' ELSE 'high' END`,
      description: 'low < 40 ≤ medium < 70 ≤ high',
    },
    industry: { sql: `${CUBE}.industry`, type: 'string' },
    region: { sql: `${CUBE}.region`, type: 'string' },
    plan: { sql: `${CUBE}.plan`, type: 'string' },
    mrr: { sql: `${CUBE}.mrr`, type: 'number', title: 'MRR', format: 'currency' },
  },

  segments: {
    enterprise: { sql: `${CUBE}.account_size = 'enterprise'`, title: 'Enterprise' },
  },
});

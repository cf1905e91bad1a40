-- The seed's aggregated table: one row per customer and day with the offers made and accepted.
-- Plain integer arithmetic (no engine-specific random function), so DuckDB and PostgreSQL
-- generate exactly the same rows (as many as asked), 20,000 customers, two years of days. Each
-- customer has its own acceptance propensity (5–35 %), so one customer's offers move together.
CREATE TABLE upsell_offers AS
SELECT
  id,
  customer_id,
  offer_date,
  total_upsell_offers,
  CAST(
    (CASE WHEN total_upsell_offers >= 1 AND (id * 7919) % 1000 < propensity THEN 1 ELSE 0 END) +
    (CASE WHEN total_upsell_offers >= 2 AND (id * 7919 + 104729) % 1000 < propensity THEN 1 ELSE 0 END) +
    (CASE WHEN total_upsell_offers >= 3 AND (id * 7919 + 209458) % 1000 < propensity THEN 1 ELSE 0 END) +
    (CASE WHEN total_upsell_offers >= 4 AND (id * 7919 + 314187) % 1000 < propensity THEN 1 ELSE 0 END)
  AS INTEGER) AS successful_upsells
FROM (
  SELECT
    i AS id,
    customer_id,
    -- Per mille: 50–350 (5–35 %).
    50 + (customer_id * 37) % 301 AS propensity,
    CAST(DATE '2024-01-01' + CAST((i * 31) % 731 AS INTEGER) AS DATE) AS offer_date,
    CAST(1 + (i * 13) % 4 AS INTEGER) AS total_upsell_offers
  FROM (SELECT CAST(n AS BIGINT) AS i, CAST(1 + (CAST(n AS BIGINT) * 7927) % 20000 AS INTEGER) AS customer_id FROM generate_series(1, :rows) AS g(n)) AS made
) AS rows_made;

// The seed's Cube model, as it was published, with one fix: its rate measure divided two
// columns of one row (`successful_upsells * 1.0 / NULLIF(total_upsell_offers, 0)`), which is not
// an aggregate. A `number` measure must aggregate: the rate is the ratio of the two sums.
cube('UpsellOffers', {
  sql: `SELECT * FROM upsell_offers`,

  measures: {
    totalUpsellOffers: {
      sql: `total_upsell_offers`,
      type: 'sum',
      title: 'Total Upsell Offers',
      description: 'The number of customers presented with an upsell opportunity.',
    },
    successfulUpsells: {
      sql: `successful_upsells`,
      type: 'sum',
      title: 'Successful Upsells',
      description: 'The number of customers who accept the upsell offer.',
    },
    upsellConversionRate: {
      sql: `SUM(successful_upsells) * 1.0 / NULLIF(SUM(total_upsell_offers), 0)`,
      type: 'number',
      title: 'Upsell Conversion Rate',
      description:
        'The percentage of existing customers who upgrade to a higher-tier product, add-on, or premium feature after being offered an upsell.',
    },
  },

  dimensions: {
    id: {
      sql: `id`,
      type: 'number',
      primaryKey: true,
    },
    customerId: {
      sql: `customer_id`,
      type: 'number',
      title: 'Customer ID',
      description: 'Unique identifier for the customer.',
    },
    offerDate: {
      sql: `offer_date`,
      type: 'time',
      title: 'Offer Date',
      description: 'The date when the upsell offer was made.',
    },
  },
});

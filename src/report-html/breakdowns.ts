/** The segment dimensions the dashboard and the report break the rate down by (model members). */
export const REPORT_BREAKDOWNS: readonly { readonly member: string; readonly title: string }[] = [
  { member: 'Customers.accountSize', title: 'Account size' },
  { member: 'Customers.lifecycleStage', title: 'Lifecycle stage' },
  { member: 'Customers.engagementTier', title: 'Engagement tier' },
  { member: 'Customers.industry', title: 'Industry' },
  { member: 'Offers.offerType', title: 'Offer type' },
  { member: 'Offers.channel', title: 'Channel' },
];

import type { Model } from '../model/index.js';
import { answerClustered, type AnswerOptions, type CubeQuery, type DataRow } from '../query/index.js';
import type { ClusterMoments } from '../stats/index.js';
import type { Store } from '../store/store.js';

/** The members a rate is counted with: offers, accepted offers, and who an offer went to. */
export interface RateMembers {
  readonly offers: string;
  readonly accepted: string;
  readonly customer: string;
}

/** A group's row as `/load` gives it, with the sums over its customers the clustered variance needs. */
export interface RowWithCustomerSums {
  readonly data: DataRow;
  /** Its customers' sums; `clusters.customers` is the customers offered. */
  readonly clusters: ClusterMoments;
  /** Customers with an accepted offer in the group. */
  readonly customersAccepting: number;
}

/**
 * Answers a count query once per group with its customers' sums (customers, Σ offers², Σ accepted²,
 * Σ accepted·offers) and the customers who accepted — the one read behind the API's, the CLI report's and the alerts' rates, so
 * every interval is customer-clustered the same way.
 */
export async function countWithCustomerSums(
  store: Store,
  model: Model,
  query: CubeQuery,
  members: RateMembers,
  options: AnswerOptions,
): Promise<RowWithCustomerSums[]> {
  const { offers, accepted, customer } = members;
  const rows = await answerClustered(
    store,
    model,
    query,
    { cluster: customer, products: [[offers, offers], [accepted, accepted], [accepted, offers]], positive: [accepted] },
    options,
  );
  return rows.map(({ data, clusters, products, positive }) => ({
    data,
    clusters: { customers: clusters, offersSquared: products[0] ?? 0, acceptedSquared: products[1] ?? 0, acceptedOffers: products[2] ?? 0 },
    customersAccepting: positive[0] ?? 0,
  }));
}

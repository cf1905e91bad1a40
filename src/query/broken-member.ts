import { UprateError } from '../core/errors.js';
import { findBroken, formatProblems, type Model } from '../model/index.js';

/**
 * A query naming a member that a tolerant load left out (it, its cube, or a member it uses has
 * an error) is a QUERY_INVALID error carrying the model's diagnostic, the way Cube fails only
 * the queries that use a member it cannot compile. Called before the member is looked up.
 *
 * @example
 *   checkNotBroken(model, 'UpsellOffers.upsellConversionRate', 'measures[0]');
 *   // QUERY_INVALID: UpsellOffers.upsellConversionRate cannot be queried: the model defines it with an error …
 *   //   upsell_offers.js:1 UpsellOffers.upsellConversionRate: error: number measure … fix: …
 */
export function checkNotBroken(model: Model, path: string, where: string): void {
  const problems = findBroken(model, path);
  if (!problems) return;
  throw new UprateError('QUERY_INVALID', `${path} cannot be queried: the model defines it with an error, so it was left out when the model was loaded\n${formatProblems(problems)}`, {
    location: where,
    hint: 'fix the model (uprate model validate lists every problem) and load it again',
    details: { member: path, problems },
  });
}

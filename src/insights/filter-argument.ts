import { UprateError } from '../core/errors.js';
import type { Model } from '../model/index.js';
import type { ApiFilter } from './api-types.js';
import { parseFilters } from './request-params.js';

/**
 * A population on the command line: a JSON array of Cube filters, or the shorthand
 * `Member=value[,value…]` / `Member!=value…`, several joined with `;`.
 *
 * @example
 * parseFilterArgument('Customers.accountSize=enterprise;Offers.channel=sales,email', model, '--compare A')
 * // [{ member: 'Customers.accountSize', operator: 'equals', values: ['enterprise'] },
 * //  { member: 'Offers.channel', operator: 'equals', values: ['sales', 'email'] }]
 */
export function parseFilterArgument(text: string, model: Model, where: string): ApiFilter[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return parseFilters(trimmed, model, where);
  if (trimmed === '' || trimmed === 'all') return [];
  const filters = trimmed.split(';').map((part) => {
    const m = /^\s*([A-Za-z_]\w*\.[A-Za-z_]\w*)\s*(!=|=)\s*(.*?)\s*$/.exec(part);
    if (!m) {
      throw new UprateError('BAD_ARGUMENT', `'${part}' is not Member=value (or Member!=value)`, {
        location: where,
        hint: `e.g. 'Customers.accountSize=enterprise' or a JSON array of Cube filters`,
      });
    }
    const [, member, op, values] = m;
    return { member, operator: op === '=' ? 'equals' : 'notEquals', values: (values ?? '').split(',').map((v) => v.trim()) };
  });
  return parseFilters(JSON.stringify(filters), model, where);
}

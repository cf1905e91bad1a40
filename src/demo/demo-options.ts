/**
 * What a demo data set is made from: the row count, the seed and the end date decide it
 * entirely (the customer count defaults to one customer per ten offers).
 */
import { UprateError } from '../core/errors.js';
import { buildCalendar, type Calendar } from './calendar.js';
import { buildCustomers, type CustomerPopulation } from './customers.js';
import { OfferStream } from './offers.js';
import { Random } from '../core/random.js';

export interface DemoOptions {
  /** Offers to generate (default 200,000). */
  readonly rows?: number;
  /** Same seed, end and rows ⇒ the same data, byte for byte. */
  readonly seed: number;
  /** The last instant of the 24 months of offers; nothing in the data is later. */
  readonly end: Date;
  /** Customers (default rows / 10, at least 1). */
  readonly customers?: number;
  /** Called after each slab of offers with the offers done so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_ROWS = 200_000;

/** The parts a demo data set is generated from, ready to stream. */
export interface DemoPlan {
  readonly rows: number;
  readonly seed: number;
  readonly end: Date;
  readonly calendar: Calendar;
  readonly customers: CustomerPopulation;
  /** A fresh stream of the offers, from the first. */
  offers(): OfferStream;
}

export function planDemo(options: DemoOptions): DemoPlan {
  const rows = options.rows ?? DEFAULT_ROWS;
  const customerCount = options.customers ?? Math.max(1, Math.floor(rows / 10));
  const { seed, end } = options;
  if (!Number.isSafeInteger(rows) || rows < 1) throw badArgument('rows', rows, 'a whole number of offers, at least 1');
  if (!Number.isSafeInteger(customerCount) || customerCount < 1 || customerCount > 2 ** 31 - 1) {
    throw badArgument('customers', customerCount, 'a whole number of customers, at least 1');
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) throw badArgument('seed', seed, 'an integer from 0 to 4294967295');
  if (!(end instanceof Date) || Number.isNaN(end.getTime())) throw badArgument('end', String(end), 'a valid date');
  const customers = buildCustomers(customerCount, new Random(seed, 1));
  const calendar = buildCalendar(end, rows, new Random(seed, 2));
  return {
    rows,
    seed,
    end,
    calendar,
    customers,
    offers: () => new OfferStream(rows, calendar, customers, new Random(seed, 3)),
  };
}

function badArgument(name: string, value: unknown, expected: string): UprateError {
  return new UprateError('BAD_ARGUMENT', `demo ${name} must be ${expected}, got ${String(value)}`, { location: name });
}

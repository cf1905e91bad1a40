/**
 * Numbers and dates in the reader's locale, shared by the dashboard (browser) and the report
 * (server). Pure: no DOM, no Node APIs. Rates arrive as fractions (0.1834) and leave as percent.
 * In en-US the output is the CLI's (src/core/display.ts): "18.3%", "+1.2 points", "p = 0.034",
 * and a missing number is NO_NUMBER.
 */
import { NO_NUMBER } from '../core/display.js';
import { ENGLISH, messagesFor, type Messages } from './messages.js';

export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year';

export interface Formatter {
  readonly locale: string;
  /** The ISO 4217 currency revenue is shown in (config `currency`, default USD). */
  readonly currency: string;
  /** The words of a report in this locale (messages.ts); English unless asked to translate. */
  readonly words: Messages;
  /** 0.1834 → "18.3%" ("18,3 %" in German); null → "—". */
  percent(rate: number | null | undefined, digits?: number): string;
  /** An interval of rates: "17.9%–18.7%" ("17,9 %–18,7 %" in German). */
  interval(lower: number | null | undefined, upper: number | null | undefined): string;
  /** Whole numbers with the locale's grouping: 200,000. */
  count(n: number | null | undefined): string;
  /** A plain number with a fixed number of decimals (default 1): a design effect "2.9". */
  decimal(x: number | null | undefined, digits?: number): string;
  /** Money in the configured currency, short form: "$1.2M", "1,2 Mio. €". */
  money(n: number | null | undefined): string;
  /** Percentage points (given in points) with a sign: "+1.2 points"; none on a zero: "0.0 points". */
  points(p: number | null | undefined): string;
  /** "p < 0.001", "p = 0.034". */
  pValue(p: number | null | undefined): string;
  /** Probability as percent without decimals below 99 %: "87%", "99.6%". */
  probability(p: number | null | undefined): string;
  /** A YYYY-MM-DD day in the locale's medium form: "Jun 30, 2025". */
  day(iso: string | null | undefined): string;
  /** A period's first day at its grain: "Jun 2025", "Q2 2025", "2025", "Jun 2" (week of). */
  period(iso: string, grain: Grain): string;
}

export interface FormatterOptions {
  /** ISO 4217 code for money (default USD). */
  readonly currency?: string | undefined;
  /** Words in the locale's language too (the report's `--locale`); default English words. */
  readonly translate?: boolean;
}

/**
 * Builds the formatters for a BCP 47 locale (falls back to en-US when it is unknown).
 *
 *   formatter('de-DE', { currency: 'EUR', translate: true }).percent(0.183)  // "18,3 %"
 */
export function formatter(locale = 'en-US', options: FormatterOptions = {}): Formatter {
  const loc = supported(locale);
  const currency = options.currency ?? 'USD';
  const words = options.translate ? messagesFor(loc) : ENGLISH;
  const pct = new Map<number, Intl.NumberFormat>();
  const percentFormat = (digits: number) => {
    let f = pct.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(loc, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits });
      pct.set(digits, f);
    }
    return f;
  };
  const decimals = new Map<number, Intl.NumberFormat>();
  const decimalFormat = (digits: number) => {
    let f = decimals.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(loc, { minimumFractionDigits: digits, maximumFractionDigits: digits });
      decimals.set(digits, f);
    }
    return f;
  };
  const plainNumber = decimalFormat(1);
  const integer = new Intl.NumberFormat(loc, { maximumFractionDigits: 0 });
  const compact = new Intl.NumberFormat(loc, { style: 'currency', currency, notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 });
  const pFormat = new Intl.NumberFormat(loc, { maximumSignificantDigits: 2 });
  const dayFormat = new Intl.DateTimeFormat(loc, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const monthFormat = new Intl.DateTimeFormat(loc, { year: 'numeric', month: 'short', timeZone: 'UTC' });
  const weekFormat = new Intl.DateTimeFormat(loc, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const yearFormat = new Intl.DateTimeFormat(loc, { year: 'numeric', timeZone: 'UTC' });
  const missing = (v: number | null | undefined): v is null | undefined => v === null || v === undefined || !Number.isFinite(v);

  return {
    locale: loc,
    currency,
    words,
    percent: (rate, digits = 1) => (missing(rate) ? NO_NUMBER : percentFormat(digits).format(rate)),
    interval(lower, upper) {
      if (missing(lower) || missing(upper)) return NO_NUMBER;
      // "17.9%–18.7%": each end as the locale writes a percentage, as the CLI does.
      return `${percentFormat(1).format(lower)}–${percentFormat(1).format(upper)}`;
    },
    count: (n) => (missing(n) ? NO_NUMBER : integer.format(n)),
    decimal: (x, digits = 1) => (missing(x) ? NO_NUMBER : decimalFormat(digits).format(x)),
    money: (n) => (missing(n) ? NO_NUMBER : compact.format(n)),
    points(p) {
      if (missing(p)) return NO_NUMBER;
      const size = plainNumber.format(Math.abs(p));
      // The sign of what is written: a change that rounds to zero has none.
      const sign = Number(Math.abs(p).toFixed(1)) === 0 ? '' : p > 0 ? '+' : '−';
      return `${sign}${size} ${words.points}`;
    },
    pValue(p) {
      if (missing(p)) return `p = ${NO_NUMBER}`;
      if (p < 0.001) return `p < ${pFormat.format(0.001)}`;
      return `p = ${pFormat.format(p)}`;
    },
    probability(p) {
      if (missing(p)) return NO_NUMBER;
      if (p > 0.999) return `>${percentFormat(1).format(0.999)}`;
      if (p < 0.001) return `<${percentFormat(1).format(0.001)}`;
      return percentFormat(p > 0.99 || p < 0.01 ? 1 : 0).format(p);
    },
    day: (iso) => (iso ? dayFormat.format(utcDay(iso)) : NO_NUMBER),
    period(iso, grain) {
      const d = utcDay(iso);
      switch (grain) {
        case 'year':
          return yearFormat.format(d);
        case 'quarter':
          return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${d.getUTCFullYear()}`;
        case 'month':
          return monthFormat.format(d);
        case 'week':
          return weekFormat.format(d);
        default:
          return dayFormat.format(d);
      }
    },
  };
}

function utcDay(iso: string): Date {
  return new Date(`${iso.slice(0, 10)}T00:00:00Z`);
}

function supported(locale: string): string {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale]).length ? locale : 'en-US';
  } catch {
    return 'en-US';
  }
}

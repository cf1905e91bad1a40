import type { Command } from 'commander';
import { SignJWT } from 'jose';
import type { SecurityFilter } from '../config/index.js';
import { UprateError } from '../core/errors.js';
import { MIN_SECRET_BYTES } from '../server/auth.js';
import { cliConfig } from './model-source.js';
import { action } from './run-command.js';

/** `--expires` when not given: long enough for a dashboard user, short enough to expire. */
export const DEFAULT_EXPIRES = '30d';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** Claims the token command sets itself: `--expires` decides `exp`, the clock `iat`. */
const RESERVED_CLAIMS = new Set(['exp', 'iat', 'nbf']);

/** Where the signing secret came from (named in the note on stderr and in errors). */
export type SecretSource = '--secret' | 'UPRATE_API_SECRET' | 'CUBEJS_API_SECRET';

export interface TokenRequest {
  /** The HS256 secret the server verifies with. */
  readonly secret: string;
  /** The token's claims: the server's security context (`security.filters` read them by name). */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Seconds until the token expires; null: never. */
  readonly expiresInSeconds: number | null;
  /** The clock (`iat`, and `exp` counts from it). */
  readonly now?: Date;
}

/**
 * Signs an HS256 JWT the way `uprate serve` verifies it (src/server/auth.ts): the claims at the
 * top level of the payload, `iat` now and `exp` `expiresInSeconds` later (none when null).
 *
 * @example
 * const token = await createToken({ secret: process.env.UPRATE_API_SECRET!, claims: { region: 'emea' }, expiresInSeconds: 30 * 86_400 });
 */
export async function createToken(request: TokenRequest): Promise<string> {
  const iat = Math.floor((request.now ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT({ ...request.claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(iat);
  if (request.expiresInSeconds !== null) jwt.setExpirationTime(iat + request.expiresInSeconds);
  return jwt.sign(new TextEncoder().encode(request.secret));
}

/** `--expires`: a whole number of s, m, h or d (`90m`, `12h`, `30d`), or `never`; seconds, null for never. */
export function parseExpires(text: string): number | null {
  const value = text.trim().toLowerCase();
  if (value === 'never') return null;
  const m = /^(\d+)\s*([smhd])$/.exec(value);
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS] : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new UprateError('BAD_ARGUMENT', `must be a positive whole number of s, m, h or d (e.g. 12h, 30d), or never; not '${text}'`, {
      location: '--expires',
      hint: `e.g. --expires 7d; without --expires a token lasts ${DEFAULT_EXPIRES}`,
    });
  }
  return seconds;
}

/**
 * One `--claim key=value`: the value as JSON when it parses (`true`, `5`, `["a","b"]`,
 * `{"x":1}`), else the text as given (`region=emea` → "emea").
 */
export function parseClaim(text: string): [string, unknown] {
  const at = text.indexOf('=');
  const key = at < 0 ? '' : text.slice(0, at).trim();
  if (!key) {
    throw new UprateError('BAD_ARGUMENT', `must be key=value, not '${text}'`, { location: '--claim', hint: 'e.g. --claim region=emea or --claim role=admin' });
  }
  if (RESERVED_CLAIMS.has(key)) {
    throw new UprateError('BAD_ARGUMENT', `cannot set '${key}': the token command sets it`, { location: '--claim', hint: 'set how long the token lasts with --expires (e.g. 30d, or never)' });
  }
  const raw = text.slice(at + 1);
  try {
    return [key, JSON.parse(raw) as unknown];
  } catch {
    return [key, raw];
  }
}

/** Every `--claim`, a key given twice becoming a list (`--claim region=emea --claim region=apac` → ["emea","apac"]). */
export function claimsOf(texts: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const text of texts) {
    const [key, value] = parseClaim(text);
    const before = claims[key];
    claims[key] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), ...(Array.isArray(value) ? value : [value])];
  }
  return claims;
}

/** `--secret`, else UPRATE_API_SECRET, else CUBEJS_API_SECRET (blank counts as unset, as the server reads them). */
export function tokenSecret(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): { secret: string; source: SecretSource } {
  const found = flag?.trim()
    ? { secret: flag.trim(), source: '--secret' as const }
    : (['UPRATE_API_SECRET', 'CUBEJS_API_SECRET'] as const).map((name) => ({ secret: env[name]?.trim() ?? '', source: name })).find((s) => s.secret);
  if (!found) {
    throw new UprateError('CONFIG_INVALID', 'no secret to sign the token with: neither UPRATE_API_SECRET nor CUBEJS_API_SECRET is set', {
      hint: "set UPRATE_API_SECRET (or CUBEJS_API_SECRET) to the server's secret, or pass --secret SECRET",
    });
  }
  const bytes = new TextEncoder().encode(found.secret).length;
  if (bytes < MIN_SECRET_BYTES) {
    throw new UprateError('CONFIG_INVALID', `the secret is ${bytes} bytes; the server refuses secrets under ${MIN_SECRET_BYTES}`, {
      location: found.source,
      hint: "use the server's own secret (create one with `openssl rand -hex 32`)",
    });
  }
  return found;
}

/** The config's required security claims the token lacks: the server refuses its queries (403). */
export function missingClaims(rules: readonly SecurityFilter[], claims: Readonly<Record<string, unknown>>): SecurityFilter[] {
  return rules.filter((r) => r.required && (claims[r.claim] === undefined || claims[r.claim] === null));
}

export interface TokenFlags {
  readonly claim: string[];
  readonly expires?: string | undefined;
  readonly secret?: string | undefined;
  readonly config?: string | undefined;
}

/** `uprate token create`: the token alone on stdout (for `$(…)`), a note on stderr. */
export async function tokenCreateCommand(flags: TokenFlags, now: Date = new Date()): Promise<number> {
  const claims = claimsOf(flags.claim);
  const expiresInSeconds = parseExpires(flags.expires ?? DEFAULT_EXPIRES);
  const { secret, source } = tokenSecret(flags.secret);
  const config = cliConfig(flags);
  const token = await createToken({ secret, claims, expiresInSeconds, now });
  const exp = Math.floor(now.getTime() / 1000) + (expiresInSeconds ?? 0);
  const until = expiresInSeconds === null ? 'never expires' : `expires ${new Date(exp * 1000).toISOString().replace('.000Z', 'Z')} (in ${flags.expires ?? DEFAULT_EXPIRES})`;
  process.stderr.write(`uprate: token signed with ${source}; ${until}; claims ${JSON.stringify(claims)}\n`);
  for (const rule of missingClaims(config.security.filters, claims)) {
    process.stderr.write(`uprate: warning: ${config.file ?? 'the config'} requires a '${rule.claim}' claim (it restricts ${rule.member}); the server refuses this token's queries: add --claim ${rule.claim}=VALUE\n`);
  }
  process.stdout.write(`${token}\n`);
  return 0;
}

export function registerToken(program: Command): void {
  const token = program.command('token').description('API tokens for `uprate serve` (HS256 JWTs signed with its secret)');
  token
    .command('create')
    .description("sign a token with the server's secret (UPRATE_API_SECRET, else CUBEJS_API_SECRET); prints only the token")
    .option('--claim <key=value>', 'a claim of the token (repeatable; JSON values parse: admin=true, ids=[1,2]); security.filters read them', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--expires <duration>', `how long it lasts: 90m, 12h, 30d…, or never (default ${DEFAULT_EXPIRES})`)
    .option('--secret <secret>', 'sign with this secret instead of UPRATE_API_SECRET')
    .option('--config <file>', "config whose security.filters' required claims are checked (default: uprate.config.yaml in this folder)")
    .action(action(async (flags: TokenFlags) => tokenCreateCommand(flags)));
}

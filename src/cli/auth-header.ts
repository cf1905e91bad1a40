import { apiSecret } from '../server/auth.js';

/**
 * The claims that make the CLI's own token the data's owner on a server with tenants: the
 * config's `security.ingestClaim` and `adminClaim` (`role=admin` → `{role: "admin"}`, a bare
 * `admin` → `{admin: true}`). Whoever holds the secret can sign anything; the CLI says so.
 */
export function ownerClaims(security: { readonly ingestClaim?: string | undefined; readonly adminClaim?: string | undefined }): Record<string, unknown> {
  const claims: Record<string, unknown[]> = {};
  for (const rule of [security.ingestClaim, security.adminClaim]) {
    if (!rule) continue;
    const at = rule.indexOf('=');
    const name = at < 0 ? rule : rule.slice(0, at);
    const value: unknown = at < 0 ? true : rule.slice(at + 1);
    const values = (claims[name] ??= []);
    if (!values.includes(value)) values.push(value);
  }
  return Object.fromEntries(Object.entries(claims).map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
}

/** What to do when a server refuses the CLI's token (or its lack of one): the `fix:` line. */
export const TOKEN_FIX =
  "pass --token TOKEN or set UPRATE_TOKEN (a JWT signed with the server's secret), or set UPRATE_API_SECRET to the server's secret so uprate signs one";

/** Where the token comes from, first found wins (for messages and tests). */
export type TokenSource = '--token' | 'UPRATE_TOKEN' | 'UPRATE_API_TOKEN' | 'signed' | 'none';

/**
 * The bearer token for calls to an uprate server and where it came from: `--token` as given, else
 * UPRATE_TOKEN, else UPRATE_API_TOKEN (the older name, still read), else a short token signed with
 * UPRATE_API_SECRET (CUBEJS_API_SECRET) carrying `claims`; none (a server in --dev mode needs none).
 */
export async function bearerToken(
  claims: Record<string, unknown> = {},
  token?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ token: string | undefined; source: TokenSource }> {
  if (token?.trim()) return { token: token.trim(), source: '--token' };
  for (const name of ['UPRATE_TOKEN', 'UPRATE_API_TOKEN'] as const) {
    const value = env[name]?.trim();
    if (value) return { token: value, source: name };
  }
  const secret = apiSecret(env);
  if (!secret) return { token: undefined, source: 'none' };
  const { SignJWT } = await import('jose');
  const jwt = await new SignJWT({ ...claims, sub: 'uprate-cli' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret));
  return { token: jwt, source: 'signed' };
}

/** The Authorization header {@link bearerToken} gives, or none. */
export async function authHeader(claims: Record<string, unknown> = {}, token?: string, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const found = await bearerToken(claims, token, env);
  return found.token ? { authorization: `Bearer ${found.token}` } : {};
}

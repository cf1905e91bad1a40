import { SignJWT } from 'jose';
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

/**
 * The Authorization header for calls to an uprate server: UPRATE_API_TOKEN as given, or a short
 * token signed with UPRATE_API_SECRET (CUBEJS_API_SECRET) carrying `claims`; none for a server in --dev mode.
 */
export async function authHeader(claims: Record<string, unknown> = {}): Promise<Record<string, string>> {
  const token = process.env['UPRATE_API_TOKEN'];
  if (token) return { authorization: `Bearer ${token}` };
  const secret = apiSecret();
  if (!secret) return {};
  const jwt = await new SignJWT({ ...claims, sub: 'uprate-cli' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret));
  return { authorization: `Bearer ${jwt}` };
}

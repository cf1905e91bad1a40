import { SignJWT } from 'jose';
import { apiSecret } from '../server/auth.js';

/**
 * The Authorization header for calls to an uprate server: UPRATE_API_TOKEN as given, or a short
 * token signed with UPRATE_API_SECRET (CUBEJS_API_SECRET); none for a server in --dev mode.
 */
export async function authHeader(): Promise<Record<string, string>> {
  const token = process.env['UPRATE_API_TOKEN'];
  if (token) return { authorization: `Bearer ${token}` };
  const secret = apiSecret();
  if (!secret) return {};
  const jwt = await new SignJWT({ sub: 'uprate-cli' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret));
  return { authorization: `Bearer ${jwt}` };
}

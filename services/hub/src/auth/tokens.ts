import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT, jwtVerify } from 'jose';
import { roles, SentralError, type Role } from '@sentral/contract';
import type { AccountVersions } from './account-versions.ts';

export interface AgentPrincipal {
  id: string;
  name: string;
  role: Role;
}

export interface TokenService {
  /** `version` is the account's token version now; a later change of role, password or enabled state outdates it. */
  issue(principal: AgentPrincipal, version: number): Promise<string>;
  /** The token's principal, if its signature holds and its account is still at the version it was issued for. */
  verify(token: string): Promise<AgentPrincipal>;
}

const TOKEN_LIFETIME = '12h';

export function createTokenService(secret: string, versions: AccountVersions): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    issue(principal, version) {
      return new SignJWT({ name: principal.name, role: principal.role, ver: version })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(principal.id)
        .setIssuedAt()
        .setExpirationTime(TOKEN_LIFETIME)
        .sign(key);
    },
    async verify(token) {
      let principal: AgentPrincipal & { version: number };
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
        const role = roles.find((r) => r === payload['role']);
        const version = payload['ver'];
        if (!payload.sub || !role || typeof payload['name'] !== 'string' || typeof version !== 'number') throw new Error('claims');
        principal = { id: payload.sub, name: payload['name'], role, version };
      } catch {
        throw new SentralError('UNAUTHENTICATED', 'invalid or expired token');
      }
      // Deleted, disabled, demoted or given a new password since the token was issued: sign in again.
      if ((await versions.current(principal.id)) !== principal.version) throw new SentralError('UNAUTHENTICATED', 'this sign-in is no longer valid; sign in again');
      return { id: principal.id, name: principal.name, role: principal.role };
    },
  };
}

/** In development the signing secret is generated once and kept beside the embedded database. */
export async function loadOrCreateSecret(dataDir: string, name = 'jwt-secret'): Promise<string> {
  const file = join(dataDir, name);
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

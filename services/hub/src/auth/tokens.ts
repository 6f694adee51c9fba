import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT, jwtVerify } from 'jose';
import { roles, SentralError, type Role } from '@sentral/contract';

export interface AgentPrincipal {
  id: string;
  name: string;
  role: Role;
}

export interface TokenService {
  issue(principal: AgentPrincipal): Promise<string>;
  verify(token: string): Promise<AgentPrincipal>;
}

const TOKEN_LIFETIME = '12h';

export function createTokenService(secret: string): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    issue(principal) {
      return new SignJWT({ name: principal.name, role: principal.role })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(principal.id)
        .setIssuedAt()
        .setExpirationTime(TOKEN_LIFETIME)
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
        const role = roles.find((r) => r === payload['role']);
        if (!payload.sub || !role || typeof payload['name'] !== 'string') throw new Error('claims');
        return { id: payload.sub, name: payload['name'], role };
      } catch {
        throw new SentralError('UNAUTHENTICATED', 'invalid or expired token');
      }
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

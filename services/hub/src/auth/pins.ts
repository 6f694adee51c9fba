import { hash, verify } from '@node-rs/argon2';

/**
 * IVR PINs are hashed with argon2id at a far lower cost than passwords: the IVR checks one while a caller
 * waits, the demo seed hashes thousands, and four digits fall to an offline search at any cost anyway.
 * The hash keeps PINs out of every screen and export; the lockout on verification keeps them from being
 * guessed by phone.
 */
const options = { memoryCost: 1024, timeCost: 2, parallelism: 1 } as const;

/** Only the digits count: "12 34" and "1234" are the same PIN, as the IVR hears them. */
export const normalisePin = (pin: string) => pin.replace(/\D/g, '');

export function hashPin(pin: string): Promise<string> {
  return hash(normalisePin(pin), options);
}

export async function verifyPin(hashed: string, keyed: string): Promise<boolean> {
  try {
    return await verify(hashed, normalisePin(keyed));
  } catch {
    return false;
  }
}

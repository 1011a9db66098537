import { hash, verify } from '@node-rs/argon2';

// argon2id with OWASP's minimum parameters (19 MiB, 2 iterations, 1 lane).
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

/** Length is what protects; 8–128 characters, not all the same character, not all digits of a phone. */
export function passwordProblem(password: string, phone?: string): 'too_short' | 'too_long' | 'too_simple' | null {
  if (password.length < 8) return 'too_short';
  if (password.length > 128) return 'too_long';
  if (/^(.)\1*$/.test(password) || (phone && phone.includes(password)) || /^(?:0123456789|12345678|123456789|87654321|password)/i.test(password))
    return 'too_simple';
  return null;
}

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { exportJwk, generateCryptoKeyPair, importJwk } from '@fedify/fedify';

/**
 * The actors' private keys are stored sealed with AES-256-GCM under a key derived from SECRET_KEY (as the
 * inbox seals channel credentials), so a database dump alone cannot sign as the city. Format: `v1.` +
 * base64url(iv ‖ tag ‖ ciphertext) of the JWK's JSON.
 */
function keyFrom(secretKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, 'interactive-city', 'fediverse actor keys v1', 32));
}

export function sealKey(secretKey: string, jwk: JsonWebKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secretKey), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
}

/** Opens a sealed private key; throws when SECRET_KEY is not the one it was sealed under. */
export function openKey(secretKey: string, sealed: string): JsonWebKey {
  if (!sealed.startsWith('v1.')) throw new Error('Unknown format of a sealed actor key');
  const bytes = Buffer.from(sealed.slice(3), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', keyFrom(secretKey), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return JSON.parse(
    Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8'),
  ) as JsonWebKey;
}

export function openKeyIfReadable(secretKey: string, sealed: string): JsonWebKey | undefined {
  try {
    return openKey(secretKey, sealed);
  } catch {
    return undefined;
  }
}

export interface NewActorKeys {
  rsaPublic: JsonWebKey;
  rsaPrivate: string;
  ed25519Public: JsonWebKey;
  ed25519Private: string;
}

/** An RSA (RSASSA-PKCS1-v1_5, for HTTP signatures) and an Ed25519 key pair (Object Integrity Proofs), sealed. */
export async function generateActorKeys(secretKey: string): Promise<NewActorKeys> {
  const rsa = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
  const ed = await generateCryptoKeyPair('Ed25519');
  return {
    rsaPublic: await exportJwk(rsa.publicKey),
    rsaPrivate: sealKey(secretKey, await exportJwk(rsa.privateKey)),
    ed25519Public: await exportJwk(ed.publicKey),
    ed25519Private: sealKey(secretKey, await exportJwk(ed.privateKey)),
  };
}

/** The stored pairs as CryptoKeyPairs Fedify signs with. */
export async function importActorKeys(
  secretKey: string,
  stored: { rsaPublic: JsonWebKey; rsaPrivate: string; ed25519Public: JsonWebKey; ed25519Private: string },
): Promise<CryptoKeyPair[]> {
  return [
    {
      publicKey: await importJwk(stored.rsaPublic, 'public'),
      privateKey: await importJwk(openKey(secretKey, stored.rsaPrivate), 'private'),
    },
    {
      publicKey: await importJwk(stored.ed25519Public, 'public'),
      privateKey: await importJwk(openKey(secretKey, stored.ed25519Private), 'private'),
    },
  ];
}

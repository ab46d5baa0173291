import { hmac } from './auth/tokens.ts';
import { inTransaction, type Db, type Executor } from './db/database.ts';
import type { ModuleManifest } from './module.ts';

const CHECK_NAME = 'secret_key_check';
const CHECK_LABEL = 'interactive-city:secret-key-check:v1';

/** A start the platform refuses for a reason the operator must fix; `server.ts` prints the message as it is. */
export class StartRefused extends Error {
  override name = 'StartRefused';
}

/** The value stored to recognise a key later: an HMAC of a fixed label, which does not reveal the key. */
export function secretKeyCheckValue(secretKey: string): string {
  return hmac(secretKey, CHECK_LABEL);
}

/** The explanation given when SECRET_KEY is not the key the data was written with. */
export const WRONG_SECRET_KEY_MESSAGE =
  'SECRET_KEY is not the key this database was set up with. The key does more than sign sessions: it keys ' +
  'the census hashes (residents checked against another key are never found) and seals the inbox ' +
  "channels' credentials (another key cannot open them). Start with the key the data was written with, or " +
  'change keys with `OLD_SECRET_KEY=<the old key> SECRET_KEY=<the new key> npm run admin -- rotate-secret-key` ' +
  '(README, "Changing SECRET_KEY").';

/**
 * Checks SECRET_KEY against the value stored at the first start, and stores it when there is none (a new
 * database, or one from before the check existed). Throws StartRefused when the key differs.
 */
export async function checkSecretKey(db: Executor, secretKey: string): Promise<'stored' | 'matches'> {
  const expected = secretKeyCheckValue(secretKey);
  const inserted = await db
    .insertInto('core_installation')
    .values({ name: CHECK_NAME, value: expected })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .returning('value')
    .executeTakeFirst();
  if (inserted) return 'stored';
  const row = await db
    .selectFrom('core_installation')
    .select('value')
    .where('name', '=', CHECK_NAME)
    .executeTakeFirstOrThrow();
  if (row.value !== expected) throw new StartRefused(WRONG_SECRET_KEY_MESSAGE);
  return 'matches';
}

/** Whether `secretKey` is the key the data was written with (true too when no check value is stored yet). */
export async function isCurrentSecretKey(db: Executor, secretKey: string): Promise<boolean> {
  const row = await db
    .selectFrom('core_installation')
    .select('value')
    .where('name', '=', CHECK_NAME)
    .executeTakeFirst();
  return !row || row.value === secretKeyCheckValue(secretKey);
}

/** Stores the check value of a new key (after a rotation). */
export async function storeSecretKeyCheck(db: Executor, secretKey: string): Promise<void> {
  await db
    .insertInto('core_installation')
    .values({ name: CHECK_NAME, value: secretKeyCheckValue(secretKey) })
    .onConflict((conflict) =>
      conflict.column('name').doUpdateSet({ value: secretKeyCheckValue(secretKey), updated_at: new Date() }),
    )
    .execute();
}

/** What `npm run admin -- rotate-secret-key` answers. */
export type RotationOutcome = { ok: true; done: string[] } | { ok: false; problems: string[]; done: string[] };

/**
 * Changes SECRET_KEY from `keys.old` to `keys.next` in one transaction: each module re-seals what it keeps
 * under the key (SecretKeyRotation), then the check value of the new key is stored. Nothing changes when
 * OLD_SECRET_KEY is not the key of the data, or when a module cannot carry something over and the operator
 * did not allow it to be removed.
 */
export async function rotateSecretKey(
  db: Db,
  modules: readonly ModuleManifest[],
  keys: { old: string; next: string },
  options: { dropUnrecoverable: boolean },
): Promise<RotationOutcome> {
  if (keys.old === keys.next)
    return { ok: false, problems: ['OLD_SECRET_KEY and SECRET_KEY are the same key'], done: [] };
  if (!(await isCurrentSecretKey(db, keys.old)))
    return {
      ok: false,
      problems: [
        (await isCurrentSecretKey(db, keys.next))
          ? 'SECRET_KEY is already the key of this database: there is nothing to rotate'
          : 'OLD_SECRET_KEY is not the key this database was set up with',
      ],
      done: [],
    };
  const done: string[] = [];
  const problems: string[] = [];
  class Blocked extends Error {}
  try {
    await inTransaction(db, async (tx) => {
      for (const module of modules) {
        if (!module.secretKeyRotation) continue;
        const answer = await module.secretKeyRotation.rotate(tx, keys, options);
        done.push(...answer.done);
        if (answer.blocked) problems.push(answer.blocked);
      }
      if (problems.length > 0) throw new Blocked();
      await storeSecretKeyCheck(tx, keys.next);
    });
  } catch (error) {
    if (error instanceof Blocked) return { ok: false, problems, done: [] };
    throw error;
  }
  return { ok: true, done: [...done, 'SECRET_KEY check value stored for the new key'] };
}

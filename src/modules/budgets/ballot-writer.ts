import type { Db } from '../../platform/db/database.ts';
import { ballotKey, storeBallotsWhileVoting, type BallotWrite, type WrittenBallot } from './ballots.repository.ts';

/** How many ballot statements run at once per database, and how many ballots one statement holds at most. */
const STATEMENTS_AT_ONCE = 2;
const MOST_PER_STATEMENT = 100;

interface Waiting {
  write: BallotWrite;
  key: string;
  resolve: (ballot: WrittenBallot | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes ballots the way a busy polling station would count them: when ballots arrive while the
 * database is still writing earlier ones, they wait and go together in the next statement
 * (`storeBallotsWhileVoting`), each with its own guards — one round trip and one commit for many
 * voters instead of one each. Nothing waits when the database is idle: a ballot arriving then is
 * written at once, alone. A voter's answer is given only once the statement holding their ballot has
 * committed, so nothing acknowledged can be lost.
 *
 * One voter's ballot in a heading is never in two statements at once: a second one waits for the
 * first, so a voter's ballots are written in the order they arrived. When a statement fails (a ballot
 * broke a constraint, such as a second district heading), each of its ballots is written again alone,
 * so only the one at fault gets the error.
 */
export class BallotWriter {
  readonly #db: Db;
  readonly #waiting: Waiting[] = [];
  /** The (heading, voter) pairs of the statements running now. */
  readonly #writing = new Set<string>();
  #running = 0;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Writes a ballot (in a statement with others that arrived meanwhile): the stored ballot, or undefined when a guard refused it. */
  write(write: BallotWrite): Promise<WrittenBallot | undefined> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ write, key: ballotKey(write.values.headingId, write.values.userId), resolve, reject });
      this.#next();
    });
  }

  #next(): void {
    while (this.#running < STATEMENTS_AT_ONCE && this.#waiting.length > 0) {
      const batch: Waiting[] = [];
      const keys = new Set<string>();
      for (let i = 0; i < this.#waiting.length && batch.length < MOST_PER_STATEMENT;) {
        const item = this.#waiting[i] as Waiting;
        // the voter's earlier ballot is being written, or is already in this statement: this one waits its turn
        if (this.#writing.has(item.key) || keys.has(item.key)) {
          i++;
          continue;
        }
        keys.add(item.key);
        batch.push(item);
        this.#waiting.splice(i, 1);
      }
      if (batch.length === 0) return;
      for (const key of keys) this.#writing.add(key);
      this.#running++;
      void this.#run(batch).finally(() => {
        for (const key of keys) this.#writing.delete(key);
        this.#running--;
        this.#next();
      });
    }
  }

  async #run(batch: Waiting[]): Promise<void> {
    try {
      const stored = await storeBallotsWhileVoting(
        this.#db,
        batch.map((item) => item.write),
      );
      for (const item of batch) item.resolve(stored.get(item.key));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // One ballot broke a constraint and the statement stored none: each again alone.
      for (const item of batch) {
        try {
          item.resolve((await storeBallotsWhileVoting(this.#db, [item.write])).get(item.key));
        } catch (alone) {
          item.reject(alone);
        }
      }
    }
  }
}

const writers = new WeakMap<Db, BallotWriter>();

/** The ballot writer of one database (one per platform: tests run several in one process). */
export function ballotWriter(db: Db): BallotWriter {
  let writer = writers.get(db);
  if (!writer) {
    writer = new BallotWriter(db);
    writers.set(db, writer);
  }
  return writer;
}

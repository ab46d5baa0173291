import { Worker } from 'node:worker_threads';
import type { OpinionMapResult } from './compute.ts';

/** Below this many votes the computation takes milliseconds and runs in place. */
const IN_PLACE_VOTES = 20_000;

/**
 * Computes a map's results in a worker thread (one per computation, ended after it) when it has many votes,
 * so the event loop keeps serving requests; small maps are computed in place.
 */
export async function computeOffThread(
  statementIds: number[],
  votes: { participant: Int32Array; statement: Int32Array; value: Int8Array },
  inPlace: (ids: number[], v: typeof votes) => OpinionMapResult,
): Promise<OpinionMapResult> {
  if (votes.value.length < IN_PLACE_VOTES) return inPlace(statementIds, votes);
  const worker = new Worker(new URL('./worker.ts', import.meta.url));
  try {
    return await new Promise<OpinionMapResult>((resolve, reject) => {
      worker.once('message', (result: OpinionMapResult) => resolve(result));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`opinion map worker stopped with code ${code}`)));
      worker.postMessage({ statementIds, ...votes }, [
        votes.participant.buffer as ArrayBuffer,
        votes.statement.buffer as ArrayBuffer,
        votes.value.buffer as ArrayBuffer,
      ]);
    });
  } finally {
    await worker.terminate();
  }
}

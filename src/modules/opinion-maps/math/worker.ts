/**
 * Runs `computeOpinionMap` off the main thread: a map with a million votes takes seconds of CPU, which must
 * not stop the server answering requests meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import { computeOpinionMap } from './compute.ts';

parentPort?.on(
  'message',
  (message: { statementIds: number[]; participant: Int32Array; statement: Int32Array; value: Int8Array }) => {
    parentPort?.postMessage(computeOpinionMap(message.statementIds, message));
  },
);

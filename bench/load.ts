/**
 * HTTP load generator. It runs in a worker thread (its own event loop, so on a second core) and sends
 * requests over real keep-alive sockets with a fixed number in flight, for a fixed time after a short
 * warm-up. The server under test keeps the main thread to itself, as it would in production.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { percentile } from './lib.ts';

export interface LoadRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Request bodies, used in turn (so that each request can differ, e.g. another location). */
  bodies?: string[];
  /** Status codes that count as success; 200 by default. */
  expect?: number[];
}

export interface LoadOptions {
  concurrency: number;
  seconds: number;
  warmupSeconds: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** The first unexpected answer, to say why a round failed. */
  firstError: string | null;
  requestsPerSecond: number;
  medianMs: number;
  p95Ms: number;
}

/** Runs one load round against `request` in a worker thread and returns its figures. */
export function runLoad(request: LoadRequest, options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { request, options } });
    worker.once('message', (result: LoadResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with code ${code}`));
    });
  });
}

interface Sample {
  ms: number;
  ok: boolean;
  error: string | null;
}

function send(agent: http.Agent, request: LoadRequest, body: string | undefined): Promise<Sample> {
  const start = performance.now();
  const expect = request.expect ?? [200];
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...request.headers };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const outgoing = http.request(request.url, { method: request.method ?? 'GET', agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const ok = expect.includes(status);
        resolve({
          ms: performance.now() - start,
          ok,
          error: ok ? null : `${status} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`,
        });
      });
    });
    outgoing.on('error', (error) => resolve({ ms: performance.now() - start, ok: false, error: error.message }));
    outgoing.end(body);
  });
}

async function generate(request: LoadRequest, options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const bodies = request.bodies ?? [];
  let next = 0;
  const nextBody = (): string | undefined => (bodies.length ? bodies[next++ % bodies.length] : undefined);

  const round = async (seconds: number): Promise<{ samples: Sample[]; elapsed: number }> => {
    const samples: Sample[] = [];
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const lane = async (): Promise<void> => {
      while (performance.now() < deadline) samples.push(await send(agent, request, nextBody()));
    };
    await Promise.all(Array.from({ length: options.concurrency }, lane));
    return { samples, elapsed: (performance.now() - start) / 1000 };
  };

  await round(options.warmupSeconds);
  const { samples, elapsed } = await round(options.seconds);
  agent.destroy();
  const latencies = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  const failed = samples.filter((sample) => !sample.ok);
  return {
    requests: samples.length,
    errors: failed.length,
    firstError: failed[0]?.error ?? null,
    requestsPerSecond: (samples.length - failed.length) / elapsed,
    medianMs: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
  };
}

if (!isMainThread && parentPort) {
  const { request, options } = workerData as { request: LoadRequest; options: LoadOptions };
  parentPort.postMessage(await generate(request, options));
}

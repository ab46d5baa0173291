/**
 * The load generator of the ballots bench (bench/ballots.ts): one lane per voter, each sending its
 * next request as soon as the previous one is answered, over keep-alive `node:http` sockets, in a
 * worker thread (its own event loop). The bare baseline and the ballot route are driven by this same
 * code with the same lanes, headers and bodies, so the two figures differ only by the server's work.
 *
 * Besides latencies it measures CPU time — of the server's thread, of the load generator's thread and
 * of the PostgreSQL backends — over exactly the measured window, so that "CPU milliseconds per
 * request" can be compared even when other work on the machine changes the throughput.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface Lane {
  cookie: string;
  csrf: string;
  userId: number;
}

export interface RoundInput {
  url: string;
  method: 'PUT' | 'POST';
  lanes: Lane[];
  projectIds: number[];
  maxProjects: number;
  seconds: number;
  warmupSeconds: number;
  /**
   * Open loop: ballots arrive at this many per second (Poisson), each taken by a voter who is not
   * waiting for an answer, or queued until one is; latency counts from the arrival, so a slow server
   * cannot hide its queue. Without it, closed loop: every voter sends again as soon as answered.
   */
  ratePerSecond?: number;
}

export interface RoundOutput {
  latencies: number[];
  acknowledged: number;
  errors: number;
  firstError: string | null;
  elapsed: number;
  /** Per voter who got at least one 200 (warm-up included): the projects of their last acknowledged request. */
  lastAcknowledged: Array<[number, number[]]>;
  /** CPU milliseconds of the load generator's thread during the measured window. */
  generatorCpuMs: number;
}

type WorkerMessage = { kind: 'measuring' } | { kind: 'done'; output: RoundOutput };

function randomChoice(projectIds: readonly number[], maxProjects: number): number[] {
  const count = 1 + Math.floor(Math.random() * maxProjects);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(projectIds[Math.floor(Math.random() * projectIds.length)] as number);
  return [...chosen];
}

async function generate(input: RoundInput, signal: (message: WorkerMessage) => void): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: input.lanes.length });
  const send = (lane: Lane, projects: number[]): Promise<{ status: number; ms: number; body: string }> =>
    new Promise((resolve) => {
      const body = JSON.stringify({ projects });
      const start = performance.now();
      const headers = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        cookie: lane.cookie,
        'x-csrf-token': lane.csrf,
      };
      const request = http.request(input.url, { method: input.method, agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            ms: performance.now() - start,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      request.on('error', (error) => resolve({ status: 0, ms: performance.now() - start, body: error.message }));
      request.end(body);
    });

  const last = new Map<number, number[]>();
  /** What one round counts: latencies, acknowledged and refused answers, and each voter's last acknowledged choice. */
  const tally = (record: boolean) => {
    const counted = { latencies: [] as number[], acknowledged: 0, errors: 0, firstError: null as string | null };
    const answered = (lane: Lane, projects: number[], answer: { status: number; body: string }, ms: number) => {
      if (answer.status === 200) {
        last.set(
          lane.userId,
          [...projects].sort((a, b) => a - b),
        );
        counted.acknowledged++;
      } else {
        counted.errors++;
        counted.firstError ??= `${answer.status} ${answer.body.slice(0, 200)}`;
      }
      if (record) counted.latencies.push(ms);
    };
    return { counted, answered };
  };
  const open = async (seconds: number, record: boolean, rate: number) => {
    const { counted, answered } = tally(record);
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const idle = [...input.lanes];
    const queued: number[] = [];
    let inFlight = 0;
    let drained: () => void = () => {};
    const allAnswered = new Promise<void>((resolve) => (drained = resolve));
    let arriving = true;
    const dispatch = (lane: Lane, arrival: number) => {
      inFlight++;
      const projects = randomChoice(input.projectIds, input.maxProjects);
      void send(lane, projects).then((answer) => {
        answered(lane, projects, answer, performance.now() - arrival);
        inFlight--;
        const next = queued.shift();
        if (next === undefined) idle.push(lane);
        else dispatch(lane, next);
        if (!arriving && inFlight === 0) drained();
      });
    };
    let arrival = start;
    for (;;) {
      arrival += (-Math.log(1 - Math.random()) * 1000) / rate;
      if (arrival >= deadline) break;
      const wait = arrival - performance.now();
      if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const lane = idle.pop();
      if (lane) dispatch(lane, arrival);
      else queued.push(arrival);
    }
    arriving = false;
    if (inFlight > 0) await allAnswered;
    return { ...counted, elapsed: (performance.now() - start) / 1000 };
  };
  const round = async (seconds: number, record: boolean) => {
    if (input.ratePerSecond !== undefined) return open(seconds, record, input.ratePerSecond);
    const { counted, answered } = tally(record);
    const start = performance.now();
    const deadline = start + seconds * 1000;
    await Promise.all(
      input.lanes.map(async (lane) => {
        while (performance.now() < deadline) {
          const projects = randomChoice(input.projectIds, input.maxProjects);
          const answer = await send(lane, projects);
          answered(lane, projects, answer, answer.ms);
        }
      }),
    );
    return { ...counted, elapsed: (performance.now() - start) / 1000 };
  };
  await round(input.warmupSeconds, false);
  signal({ kind: 'measuring' });
  const cpuBefore = process.threadCpuUsage();
  const measured = await round(input.seconds, true);
  const cpu = process.threadCpuUsage(cpuBefore);
  agent.destroy();
  signal({
    kind: 'done',
    output: { ...measured, lastAcknowledged: [...last], generatorCpuMs: (cpu.user + cpu.system) / 1000 },
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  await generate(workerData as RoundInput, (message) => port.postMessage(message));
}

/** CPU milliseconds used so far by each of these processes (PostgreSQL backends), from /proc; missing where unreadable (gone, or not on Linux). */
function processCpuMs(pids: readonly number[]): Map<number, number> {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      used.set(pid, (Number(fields[11]) + Number(fields[12])) * tick);
    } catch {
      // the backend has ended, or is on another machine
    }
  }
  return used;
}

/**
 * The backends' CPU over the window: each backend's growth; a backend that started during the window
 * counts whole. A backend that ended during the window (the pool closes idle connections) took its
 * CPU time with it: it is counted in `lost`, and the total is then a lower bound.
 */
function backendCpuDelta(before: Map<number, number>, after: Map<number, number>): { ms: number; lost: number } {
  let ms = 0;
  for (const [pid, total] of after) ms += total - (before.get(pid) ?? 0);
  const lost = [...before.keys()].filter((pid) => !after.has(pid)).length;
  return { ms, lost };
}

export interface MeasuredRound extends RoundOutput {
  /** CPU milliseconds of the server's thread (the platform or the bare server, and PGlite when used). */
  serverCpuMs: number;
  /** CPU milliseconds of the PostgreSQL backends serving this database (0 on PGlite). */
  databaseCpuMs: number;
  /** Backends that ended during the window: their CPU is missing from `databaseCpuMs`, then a lower bound. */
  backendsLost: number;
}

/**
 * Runs one round in a worker thread and measures, over exactly its measured window, the CPU of this
 * (the server's) thread and of the database backends whose pids `backends()` returns.
 */
export function runRound(input: RoundInput, backends: () => Promise<number[]>): Promise<MeasuredRound> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: input });
    let serverBefore: NodeJS.CpuUsage | undefined;
    let databaseBefore = new Map<number, number>();
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'measuring') {
        serverBefore = process.threadCpuUsage();
        void backends().then((found) => {
          databaseBefore = processCpuMs(found);
        }, reject);
        return;
      }
      const server = process.threadCpuUsage(serverBefore);
      void backends().then((found) => {
        const database = backendCpuDelta(databaseBefore, processCpuMs(found));
        resolve({
          ...message.output,
          serverCpuMs: (server.user + server.system) / 1000,
          databaseCpuMs: database.ms,
          backendsLost: database.lost,
        });
      }, reject);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with code ${code}`));
    });
  });
}

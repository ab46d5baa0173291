/**
 * Messages for the inbox bench (issue 5): realistic residents' messages in eight languages from
 * templates (complaints, praise, questions; streets and districts of the city; emoji, @mentions,
 * hashtags and links as on social networks), some answering earlier ones, authors who write more than
 * once. Deterministic (a seeded generator), so every run sends the same mix. Also the load generator
 * for the signed webhook: a worker thread (its own core) that signs each body with the channel's
 * secret, as a sending system must, and keeps a fixed number of requests in flight.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { percentile } from './lib.ts';

/** One message as the generic webhook takes it (src/modules/inbox/channels/webhook.ts). */
export interface WebhookItem {
  id: string;
  text: string;
  author: { id: string; name: string };
  sent_at: string;
  thread_id?: string;
  in_reply_to?: string;
  lat?: number;
  lng?: number;
}

type Slots = { place: string; thing: string; days: number };
type Template = (slots: Slots) => string;

/** Per language: things residents write about, and sentences around them. */
const LANGUAGES: Record<string, { things: string[]; templates: Template[] }> = {
  en: {
    things: [
      'the bins',
      'the street light',
      'the bus stop',
      'the pothole',
      'the playground',
      'the cycle lane',
      'the noise at night',
      'the trees',
    ],
    templates: [
      (s) => `${s.thing} on ${s.place} has been broken for ${s.days} days, nobody cares 😡 #fail`,
      (s) => `thank you for fixing ${s.thing} near ${s.place} so quickly, great job! 👏`,
      (s) => `@cityhall when will someone look at ${s.thing} in ${s.place}? it is getting worse`,
      (s) => `Does anyone know who is responsible for ${s.thing}? Reported it ${s.days} times already http://t.co/x1`,
      (s) => `lovely morning walk in ${s.place}, ${s.thing} look so much better now ☀️`,
    ],
  },
  fr: {
    things: [
      'les poubelles',
      'le lampadaire',
      "l'arrêt de bus",
      'le nid-de-poule',
      "l'aire de jeux",
      'la piste cyclable',
      'le bruit la nuit',
      'les arbres',
    ],
    templates: [
      (s) => `${s.thing} rue ${s.place} : toujours rien depuis ${s.days} jours, c'est inadmissible 😠`,
      (s) => `merci pour ${s.thing} à ${s.place}, c'est vraiment beaucoup mieux !`,
      (s) => `@mairie quand allez-vous vous occuper de ${s.thing} à ${s.place} ? #ras_le_bol`,
      (s) => `Bonjour, qui s'occupe de ${s.thing} ? Je l'ai signalé ${s.days} fois déjà.`,
    ],
  },
  de: {
    things: [
      'die Mülltonnen',
      'die Straßenlaterne',
      'die Bushaltestelle',
      'das Schlagloch',
      'der Spielplatz',
      'der Radweg',
      'der Lärm nachts',
      'die Bäume',
    ],
    templates: [
      (s) => `${s.thing} in der ${s.place} ist seit ${s.days} Tagen kaputt, unmöglich! 😤`,
      (s) => `Danke, ${s.thing} am ${s.place} ist jetzt wirklich viel besser 👍`,
      (s) => `@stadtverwaltung wann kümmert sich endlich jemand um ${s.thing} in ${s.place}? #ärgerlich`,
      (s) => `Wer ist eigentlich für ${s.thing} zuständig? Schon ${s.days} Mal gemeldet.`,
    ],
  },
  es: {
    things: [
      'los contenedores',
      'la farola',
      'la parada del autobús',
      'el bache',
      'el parque infantil',
      'el carril bici',
      'el ruido por la noche',
      'los árboles',
    ],
    templates: [
      (s) => `${s.thing} de la calle ${s.place} lleva ${s.days} días sin arreglar, qué vergüenza 😡`,
      (s) => `gracias por arreglar ${s.thing} en ${s.place}, ha quedado genial 👏`,
      (s) => `@ayuntamiento ¿cuándo van a hacer algo con ${s.thing} en ${s.place}? #quejas`,
      (s) => `¿Alguien sabe quién se encarga de ${s.thing}? Ya lo he avisado ${s.days} veces.`,
    ],
  },
  it: {
    things: [
      'i cassonetti',
      'il lampione',
      'la fermata del bus',
      'la buca',
      'il parco giochi',
      'la pista ciclabile',
      'il rumore di notte',
      'gli alberi',
    ],
    templates: [
      (s) => `${s.thing} in via ${s.place} è rotto da ${s.days} giorni, che schifo 😠`,
      (s) => `grazie per ${s.thing} a ${s.place}, finalmente è tutto a posto!`,
      (s) => `@comune quando sistemate ${s.thing} a ${s.place}? #degrado`,
      (s) => `Qualcuno sa chi si occupa di ${s.thing}? Segnalato già ${s.days} volte.`,
    ],
  },
  pt: {
    things: [
      'os contentores',
      'o candeeiro',
      'a paragem do autocarro',
      'o buraco',
      'o parque infantil',
      'a ciclovia',
      'o barulho à noite',
      'as árvores',
    ],
    templates: [
      (s) => `${s.thing} na rua ${s.place} está avariado há ${s.days} dias, que vergonha 😡`,
      (s) => `obrigado por arranjarem ${s.thing} em ${s.place}, ficou ótimo!`,
      (s) => `@camara quando vão tratar de ${s.thing} em ${s.place}? #reclamação`,
    ],
  },
  nl: {
    things: [
      'de vuilnisbakken',
      'de lantaarnpaal',
      'de bushalte',
      'het gat in de weg',
      'de speeltuin',
      'het fietspad',
      'het lawaai s nachts',
      'de bomen',
    ],
    templates: [
      (s) => `${s.thing} in de ${s.place} is al ${s.days} dagen kapot, belachelijk 😤`,
      (s) => `bedankt, ${s.thing} bij ${s.place} is echt veel beter nu 👍`,
      (s) => `@gemeente wanneer wordt ${s.thing} in ${s.place} eindelijk gerepareerd?`,
    ],
  },
  ro: {
    things: [
      'tomberoanele',
      'stâlpul de iluminat',
      'stația de autobuz',
      'groapa',
      'locul de joacă',
      'pista de biciclete',
      'zgomotul noaptea',
      'copacii',
    ],
    templates: [
      (s) => `${s.thing} de pe strada ${s.place} e stricat de ${s.days} zile, e inadmisibil 😠`,
      (s) => `mulțumesc pentru ${s.thing} din ${s.place}, arată minunat acum!`,
      (s) => `@primaria când rezolvați ${s.thing} din ${s.place}? #nemultumire`,
    ],
  },
};
const CODES = Object.keys(LANGUAGES);
/** Share of the messages in each language, most in the city's own languages. */
const LANGUAGE_WEIGHTS = [30, 14, 14, 12, 10, 8, 6, 6];

/** A small seeded generator (so runs are comparable). */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function weighted(next: () => number): string {
  let roll = next() * LANGUAGE_WEIGHTS.reduce((a, b) => a + b, 0);
  for (const [index, weight] of LANGUAGE_WEIGHTS.entries()) {
    roll -= weight;
    if (roll < 0) return CODES[index] as string;
  }
  return CODES[0] as string;
}

export interface MessageSource {
  /** The city's street and district names, so that some messages name a place the analysis finds. */
  places: readonly string[];
  /** Coordinates inside the city, for the messages that carry a location. */
  centre: { lat: number; lng: number };
  /** Real texts (the shared tweet set, when present) mixed in with the generated ones, one in two. */
  extraTexts?: readonly string[];
}

/**
 * `count` messages with ids `<prefix>-<n>`: one in five answers an earlier one of the same batch,
 * one in four carries coordinates, authors write several messages each.
 */
export function generateMessages(source: MessageSource, prefix: string, count: number, seed = 1): WebhookItem[] {
  const next = random(seed);
  const items: WebhookItem[] = [];
  const day = Date.UTC(2026, 10, 1);
  for (let n = 0; n < count; n++) {
    const code = weighted(next);
    const language = LANGUAGES[code] as (typeof LANGUAGES)[string];
    const slots = {
      place: source.places[Math.floor(next() * source.places.length)] ?? 'the centre',
      thing: language.things[Math.floor(next() * language.things.length)] as string,
      days: 2 + Math.floor(next() * 20),
    };
    const extra =
      source.extraTexts && source.extraTexts.length > 0 && next() < 0.5
        ? source.extraTexts[Math.floor(next() * source.extraTexts.length)]
        : undefined;
    const text = extra ?? (language.templates[Math.floor(next() * language.templates.length)] as Template)(slots);
    const authorNumber = Math.floor(next() ** 2 * Math.max(10, count / 3));
    const item: WebhookItem = {
      id: `${prefix}-${n}`,
      text,
      author: { id: `${prefix}-author-${authorNumber}`, name: `Resident ${authorNumber}` },
      sent_at: new Date(day + n * 37_000).toISOString(),
    };
    if (n > 0 && next() < 0.2) item.in_reply_to = `${prefix}-${Math.floor(next() * n)}`;
    if (next() < 0.25) {
      item.lat = source.centre.lat + (next() - 0.5) * 0.04;
      item.lng = source.centre.lng + (next() - 0.5) * 0.06;
    }
    items.push(item);
  }
  return items;
}

/** `sha256=<hex>` of a body, as the webhook's X-Signature-256 header wants it. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookLoad {
  url: string;
  /** Sign each body with this secret (the platform's route); without it, bodies go unsigned (the bare route). */
  secret?: string;
  source: MessageSource;
  /** Id prefix of this round's messages (unique per round, so that nothing is a duplicate). */
  prefix: string;
  concurrency: number;
  seconds: number;
  warmupSeconds: number;
}

export interface WebhookLoadResult {
  /** Requests answered 200 in the measured part, and their rate. */
  acknowledged: number;
  errors: number;
  firstError: string | null;
  perSecond: number;
  medianMs: number;
  p95Ms: number;
}

/** Runs one round of single-message webhook requests in a worker thread. */
export function runWebhookLoad(load: WebhookLoad): Promise<WebhookLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: load });
    worker.once('message', (result: WebhookLoadResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`webhook load worker exited with code ${code}`));
    });
  });
}

async function generate(load: WebhookLoad): Promise<WebhookLoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: load.concurrency });
  // Enough distinct messages for any rate this machine reaches; each is sent once.
  const items = generateMessages(load.source, load.prefix, 200_000, load.prefix.length * 7919);
  let next = 0;
  const send = (): Promise<{ ms: number; error: string | null }> => {
    const body = JSON.stringify(items[next++ % items.length]);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    };
    if (load.secret) headers['x-signature-256'] = signBody(load.secret, body);
    const start = performance.now();
    return new Promise((resolve) => {
      const outgoing = http.request(load.url, { method: 'POST', agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const ok = response.statusCode === 200;
          resolve({
            ms: performance.now() - start,
            error: ok ? null : `${response.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`,
          });
        });
      });
      outgoing.on('error', (error) => resolve({ ms: performance.now() - start, error: error.message }));
      outgoing.end(body);
    });
  };
  const round = async (seconds: number) => {
    const samples: Array<{ ms: number; error: string | null }> = [];
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const lane = async (): Promise<void> => {
      while (performance.now() < deadline) samples.push(await send());
    };
    await Promise.all(Array.from({ length: load.concurrency }, lane));
    return { samples, elapsed: (performance.now() - start) / 1000 };
  };
  await round(load.warmupSeconds);
  const { samples, elapsed } = await round(load.seconds);
  agent.destroy();
  const failed = samples.filter((sample) => sample.error !== null);
  const latencies = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  return {
    acknowledged: samples.length - failed.length,
    errors: failed.length,
    firstError: failed[0]?.error ?? null,
    perSecond: (samples.length - failed.length) / elapsed,
    medianMs: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
  };
}

if (!isMainThread && parentPort) parentPort.postMessage(await generate(workerData as WebhookLoad));

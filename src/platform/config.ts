import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllowList, type AllowEntry } from './outbound/outbound.ts';
import { isEmail } from './validation.ts';

/** Everything the server reads from its environment, validated once at start. */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: URL;
  /** PostgreSQL connection string; absent means the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  /** Connections to PostgreSQL per server process (unused on PGlite). */
  databasePoolSize: number;
  dataDir: string;
  secretKey: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** 'pretty': coloured, readable lines for a person at a terminal; 'json': one JSON object a line, for machines. */
  logFormat: 'json' | 'pretty';
  /**
   * Which proxies' X-Forwarded-For / X-Forwarded-Proto the server believes (Fastify's trustProxy): false, a
   * number of hops (the last N proxies in front of the server), or the proxies' addresses and networks.
   */
  trustProxy: false | number | string[];
  mail: { smtpUrl: string | undefined; from: string };
  sessionDays: number;
  admin: { email: string; password: string } | undefined;
  demoPassword: string | undefined;
  /**
   * The street map under the reports map and the report form (MAP_TILE_URL, MAP_TILE_ATTRIBUTION, MAP_MAX_ZOOM):
   * a raster tile URL template (`https://tiles.example/{z}/{x}/{y}.png`) fetched by the residents' browsers,
   * the credit the tile provider requires, the deepest zoom it serves. No tile URL: the pages keep the
   * server-drawn map only.
   */
  map: { tileUrl: string | undefined; attribution: string; maxZoom: number };
  /** Port of the inbox's inbound SMTP listener (mail to the cities' e-mail channels); absent: no listener. */
  inboundSmtpPort: number | undefined;
  /**
   * Hosts the server may contact even on a private or loopback address (OUTBOUND_ALLOW_HOSTS): an IMAP
   * server in the city's network, a local feed. Everything else a channel names must be public.
   */
  outbound: { allowHosts: AllowEntry[] };
  /**
   * Limits on public writes, per client address and city. Tests lower or raise them. `signIn` counts wrong
   * passwords per sender (an IPv4 address or an IPv6 /64), `signInAddress` wrong passwords per address typed;
   * over either, sign-in waits for the window to end, except from the account owner's usual network.
   */
  rateLimits: Record<
    'signIn' | 'signInAddress' | 'signUp' | 'passwordReset' | 'publicWrite',
    { limit: number; windowSeconds: number }
  >;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['json', 'pretty'] as const;
const ENVS = ['development', 'production', 'test'] as const;

/**
 * Reads and validates the configuration from an environment. Returns every problem at once so that
 * an operator can fix them in one go instead of one restart per mistake. `terminal` says whether the
 * standard output is a terminal, which decides the log format when LOG_FORMAT does not.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  terminal: { stdoutIsTTY: boolean } = { stdoutIsTTY: process.stdout.isTTY },
): ConfigResult {
  const problems: string[] = [];

  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!(ENVS as readonly string[]).includes(nodeEnv)) {
    problems.push(`NODE_ENV must be one of ${ENVS.join(', ')} (got "${nodeEnv}")`);
  }

  const port = parseInteger(env.PORT ?? '3000');
  if (port === undefined || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${env.PORT}")`);
  }

  const host = env.HOST ?? 'localhost';

  let publicUrl: URL | undefined;
  const publicUrlText = env.PUBLIC_URL ?? `http://localhost:${port ?? 3000}`;
  try {
    publicUrl = new URL(publicUrlText);
    if (publicUrl.protocol !== 'http:' && publicUrl.protocol !== 'https:') {
      problems.push(`PUBLIC_URL must start with http:// or https:// (got "${publicUrlText}")`);
    }
  } catch {
    problems.push(`PUBLIC_URL is not a valid URL (got "${publicUrlText}")`);
  }

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a PostgreSQL URL starting with postgres:// or postgresql://');
  }

  const dataDir = path.resolve(env.DATA_DIR ?? './data');

  const logLevel = (env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info')) as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
  }

  const logFormatText = env.LOG_FORMAT?.trim() || (terminal.stdoutIsTTY ? 'pretty' : 'json');
  if (!(LOG_FORMATS as readonly string[]).includes(logFormatText)) {
    problems.push(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')} (got "${env.LOG_FORMAT}")`);
  }

  const trustProxy = parseTrustProxy(env.TRUST_PROXY ?? '');
  if (!trustProxy.ok) problems.push(trustProxy.problem);

  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) {
    problems.push('SMTP_URL must start with smtp:// or smtps://');
  }
  const mailFrom = env.MAIL_FROM ?? `Interactive City <no-reply@${publicUrl?.hostname ?? 'localhost'}>`;
  if (!/@/.test(mailFrom)) problems.push(`MAIL_FROM must contain an e-mail address (got "${mailFrom}")`);

  const sessionDays = parseInteger(env.SESSION_DAYS ?? '30');
  if (sessionDays === undefined || sessionDays < 1 || sessionDays > 365) {
    problems.push(`SESSION_DAYS must be a whole number from 1 to 365 (got "${env.SESSION_DAYS}")`);
  }

  let admin: Config['admin'];
  if (env.ADMIN_EMAIL || env.ADMIN_PASSWORD) {
    if (!env.ADMIN_EMAIL || !isEmail(env.ADMIN_EMAIL)) {
      problems.push('ADMIN_EMAIL must be an e-mail address when ADMIN_PASSWORD is set');
    }
    if (!env.ADMIN_PASSWORD || env.ADMIN_PASSWORD.length < 10) {
      problems.push('ADMIN_PASSWORD must have at least 10 characters when ADMIN_EMAIL is set');
    }
    admin = { email: env.ADMIN_EMAIL ?? '', password: env.ADMIN_PASSWORD ?? '' };
  }

  const demoPassword = env.DEMO_PASSWORD || undefined;
  if (demoPassword !== undefined && demoPassword.length < 10) {
    problems.push('DEMO_PASSWORD must have at least 10 characters');
  }

  let secretKey = env.SECRET_KEY;
  if (secretKey !== undefined && secretKey.length < 32) {
    problems.push('SECRET_KEY must have at least 32 characters');
  }
  if (secretKey === undefined && nodeEnv === 'production') {
    problems.push('SECRET_KEY is required in production (at least 32 random characters, the same on every server)');
  }

  const map = readMapSettings(env, problems);

  const inboundSmtpText = env.INBOUND_SMTP_PORT?.trim() || undefined;
  const inboundSmtpPort = inboundSmtpText === undefined ? undefined : parseInteger(inboundSmtpText);
  if (
    inboundSmtpText !== undefined &&
    (inboundSmtpPort === undefined || inboundSmtpPort < 1 || inboundSmtpPort > 65535)
  ) {
    problems.push(`INBOUND_SMTP_PORT must be a whole number from 1 to 65535 (got "${inboundSmtpText}")`);
  }

  const poolText = env.DATABASE_POOL_SIZE?.trim() || undefined;
  const databasePoolSize = poolText === undefined ? 10 : parseInteger(poolText);
  if (databasePoolSize === undefined || databasePoolSize < 1 || databasePoolSize > 1000) {
    problems.push(`DATABASE_POOL_SIZE must be a whole number from 1 to 1000 (got "${poolText ?? ''}")`);
  }

  const allowList = parseAllowList(env.OUTBOUND_ALLOW_HOSTS ?? '');
  if (!allowList.ok) problems.push(...allowList.problems.map((problem) => `OUTBOUND_ALLOW_HOSTS: ${problem}`));

  if (problems.length > 0) return { ok: false, problems };

  secretKey ??= readOrCreateDevelopmentSecret(dataDir);

  return {
    ok: true,
    config: {
      env: nodeEnv as Config['env'],
      port: port ?? 3000,
      host,
      publicUrl: publicUrl as URL,
      databaseUrl,
      databasePoolSize: databasePoolSize ?? 10,
      dataDir,
      secretKey,
      logLevel,
      logFormat: logFormatText as Config['logFormat'],
      trustProxy: trustProxy.ok ? trustProxy.value : false,
      mail: { smtpUrl, from: mailFrom },
      sessionDays: sessionDays ?? 30,
      admin,
      demoPassword,
      map,
      inboundSmtpPort,
      outbound: { allowHosts: allowList.ok ? allowList.entries : [] },
      rateLimits: {
        signIn: { limit: 20, windowSeconds: 900 },
        signInAddress: { limit: 5, windowSeconds: 900 },
        signUp: { limit: 10, windowSeconds: 3600 },
        passwordReset: { limit: 5, windowSeconds: 3600 },
        publicWrite: { limit: 60, windowSeconds: 60 },
      },
    },
  };
}

/** The names proxy-addr (Fastify's trustProxy) knows for ranges of addresses. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: `false` (or empty), a number of proxy hops in front of the server (`1` behind one nginx), or
 * the proxies' addresses and networks separated by commas (`10.0.0.1, 10.0.0.0/8, loopback`). `true` is
 * refused: it would believe every hop of X-Forwarded-For, which the client writes itself, so any client
 * could pick its address and pass the per-address limits.
 */
export function parseTrustProxy(
  text: string,
): { ok: true; value: Config['trustProxy'] } | { ok: false; problem: string } {
  const value = text.trim();
  if (value === '' || value === 'false' || value === '0') return { ok: true, value: false };
  if (value === 'true')
    return {
      ok: false,
      problem:
        'TRUST_PROXY=true is refused: it believes every address in X-Forwarded-For, which clients write themselves, ' +
        'so anyone could choose their address and pass the per-address limits. Give the number of proxies in front ' +
        'of the server (TRUST_PROXY=1 behind one nginx) or their addresses (TRUST_PROXY=10.0.0.1,10.0.0.0/8)',
    };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) return { ok: false, problem: `TRUST_PROXY: ${hops} proxy hops is not believable (at most 10)` };
    return { ok: true, value: hops };
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const wrong = entries.filter((entry) => !isProxyAddress(entry));
  if (wrong.length > 0)
    return {
      ok: false,
      problem: `TRUST_PROXY must be false, a number of proxy hops, or addresses and networks of proxies separated by commas (${wrong.map((entry) => `"${entry}"`).join(', ')} is not one)`,
    };
  return { ok: true, value: entries };
}

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

function parseInteger(text: string): number | undefined {
  return /^\d+$/.test(text.trim()) ? Number(text) : undefined;
}

/** Outside production a secret is generated once and kept in the data folder, so sessions survive restarts. */
function readOrCreateDevelopmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/**
 * MAP_TILE_URL, MAP_TILE_ATTRIBUTION and MAP_MAX_ZOOM. A tile URL is an http(s) template with `{z}`, `{x}` and
 * `{y}` (Leaflet's placeholders `{s}`, `{r}`, `{-y}` allowed) and needs the provider's attribution; there is no
 * default tile server, as OpenStreetMap's own servers are not for an application's traffic.
 */
function readMapSettings(env: Record<string, string | undefined>, problems: string[]): Config['map'] {
  const tileUrl = env.MAP_TILE_URL?.trim() || undefined;
  const attribution = (env.MAP_TILE_ATTRIBUTION ?? '').trim();
  const zoomText = env.MAP_MAX_ZOOM?.trim() || undefined;
  const maxZoom = zoomText === undefined ? 19 : parseInteger(zoomText);
  if (maxZoom === undefined || maxZoom < 1 || maxZoom > 22) {
    problems.push(`MAP_MAX_ZOOM must be a whole number from 1 to 22 (got "${zoomText ?? ''}")`);
  }
  if (tileUrl !== undefined) {
    if (!isTileTemplate(tileUrl)) {
      problems.push(
        `MAP_TILE_URL must be an http(s) URL template with {z}, {x} and {y}, such as https://tiles.example.org/{z}/{x}/{y}.png (got "${tileUrl}")`,
      );
    }
    if (!attribution) {
      problems.push('MAP_TILE_ATTRIBUTION is required with MAP_TILE_URL (the credit your tile provider asks for)');
    }
  }
  if (attribution.length > 300) problems.push('MAP_TILE_ATTRIBUTION must be at most 300 characters');
  return { tileUrl, attribution, maxZoom: maxZoom ?? 19 };
}

/** Whether a text is a tile URL template: http(s), with `{z}`, `{x}` and `{y}` (or `{-y}`) and only Leaflet's placeholders. */
export function isTileTemplate(template: string): boolean {
  if (!['{z}', '{x}', '{y}'].every((part) => template.includes(part)) && !template.includes('{-y}')) return false;
  if (!template.includes('{z}') || !template.includes('{x}')) return false;
  if (/\{(?!(?:s|z|x|y|-y|r)\})[^}]*\}/.test(template)) return false;
  try {
    const url = new URL(template.replace(/\{-?[a-z]\}/g, 'a'));
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

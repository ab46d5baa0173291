import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

const folder = path.join(import.meta.dirname, 'assets');
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

const assets = new Map<string, Asset>();
for (const name of readdirSync(folder)) {
  const body = readFileSync(path.join(folder, name));
  assets.set(name, { body, type: TYPES[path.extname(name)] ?? 'application/octet-stream', hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
}

/** The URL of a static asset, versioned by its content so browsers may cache it forever. */
export function assetUrl(name: string): string {
  const asset = assets.get(name);
  if (!asset) throw new Error(`Unknown asset ${name}`);
  return `/assets/${name}?v=${asset.hash}`;
}

/** Serves the files of `web/assets`, read once at start. */
export function registerAssets(app: FastifyInstance): void {
  app.get('/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const { name } = request.params as { name: string };
    const asset = assets.get(name);
    if (!asset) {
      reply.callNotFound();
      return reply;
    }
    const versioned = (request.query as { v?: string }).v === asset.hash;
    reply.header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    reply.header('etag', `"${asset.hash}"`);
    if (request.headers['if-none-match'] === `"${asset.hash}"`) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  });
}

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

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

/** A folder of static files served under one URL prefix, read once at start. */
export interface AssetFolder {
  /** The URL of one of the folder's files, versioned by its content so browsers may cache it forever. */
  url(name: string): string;
  /** Adds the route that serves the folder (`<prefix>/:name`). */
  register(app: FastifyInstance): void;
}

/**
 * Reads a folder of static files to serve under `prefix` (`/assets`, `/inbox/assets`): each file is
 * answered with its type, an ETag, and a year of caching when asked for under its content hash.
 */
export function assetFolder(prefix: string, directory: string, only?: readonly string[]): AssetFolder {
  const files = new Map<string, Asset>();
  for (const name of only ?? readdirSync(directory)) {
    const body = readFileSync(path.join(directory, name));
    files.set(name, {
      body,
      type: TYPES[path.extname(name)] ?? 'application/octet-stream',
      hash: createHash('sha256').update(body).digest('hex').slice(0, 12),
    });
  }
  return {
    url(name) {
      const asset = files.get(name);
      if (!asset) throw new Error(`Unknown asset ${prefix}/${name}`);
      return `${prefix}/${name}?v=${asset.hash}`;
    },
    register(app) {
      app.get(`${prefix}/:name`, { schema: { hide: true } }, async (request, reply) => {
        const asset = files.get((request.params as { name: string }).name);
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
    },
  };
}

const platformAssets = assetFolder('/assets', path.join(import.meta.dirname, 'assets'));

/** The URL of one of the platform's static assets, versioned by its content. */
export function assetUrl(name: string): string {
  return platformAssets.url(name);
}

/**
 * Leaflet (the `leaflet` package, served from its `dist` folder): the slippy map over the city's tiles
 * (MAP_TILE_URL). Its stylesheet finds its images in `images/` beside it, so they are served there too.
 */
const leafletDist = path.join(path.dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');
const leafletAssets = assetFolder('/assets/leaflet', leafletDist, ['leaflet.js', 'leaflet.css']);
const leafletImages = assetFolder('/assets/leaflet/images', path.join(leafletDist, 'images'), [
  'layers.png',
  'layers-2x.png',
  'marker-icon.png',
  'marker-icon-2x.png',
  'marker-shadow.png',
]);

/** The URLs of Leaflet's script and stylesheet, versioned by their content. */
export function leafletUrls(): { script: string; stylesheet: string } {
  return { script: leafletAssets.url('leaflet.js'), stylesheet: leafletAssets.url('leaflet.css') };
}

/** Serves the files of `web/assets` and Leaflet's. */
export function registerAssets(app: FastifyInstance): void {
  platformAssets.register(app);
  leafletAssets.register(app);
  leafletImages.register(app);
}

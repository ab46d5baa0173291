import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { grayPng } from './images.ts';

/** A raster tile server fake: answers `/{z}/{x}/{y}.png` with a small valid PNG and records every path asked. */
export interface FakeTileServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The URL template to give MAP_TILE_URL. */
  template: string;
  /** The paths asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** A 256×256 greyscale PNG, as a tile server sends. */
export const TILE_PNG = grayPng(256, 256);

export async function startFakeTileServer(): Promise<FakeTileServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '';
    requests.push(path);
    const match = /^\/(\d+)\/(\d+)\/(\d+)\.png$/.exec(path);
    if (!match || Number(match[2]) >= 2 ** Number(match[1]) || Number(match[3]) >= 2 ** Number(match[1])) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('no such tile');
      return;
    }
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': TILE_PNG.length }).end(TILE_PNG);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    template: `${origin}/{z}/{x}/{y}.png`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

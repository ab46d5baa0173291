import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** A GET with node:http, which (unlike fetch) hands back the bytes as sent, still compressed. */
function rawGet(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, server.url), { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('compression of answers', () => {
  test('sends an HTML page gzip-compressed to a client that accepts gzip, and whole to one that does not', async () => {
    const plain = await rawGet('/', { accept: 'text/html' });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(plain.body.toString('utf8'), /<!doctype html>/i);

    const zipped = await rawGet('/', { accept: 'text/html', 'accept-encoding': 'gzip' });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.match(String(zipped.headers.vary), /accept-encoding/i);
    assert.match(String(zipped.headers['content-type']), /^text\/html/);
    const html = gunzipSync(zipped.body).toString('utf8');
    assert.match(html, /<!doctype html>/i);
    assert.ok(zipped.body.length < Buffer.byteLength(html) / 2, `${zipped.body.length} of ${Buffer.byteLength(html)}`);
  });

  test('sends a JSON answer compressed, brotli when preferred', async () => {
    const plain = await rawGet('/api/openapi.json', {});
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);

    const zipped = await rawGet('/api/openapi.json', { 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.deepEqual(JSON.parse(gunzipSync(zipped.body).toString('utf8')), JSON.parse(plain.body.toString('utf8')));

    const brotli = await rawGet('/api/openapi.json', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(brotli.headers['content-encoding'], 'br');
    assert.deepEqual(
      JSON.parse(brotliDecompressSync(brotli.body).toString('utf8')),
      JSON.parse(plain.body.toString('utf8')),
    );
  });

  test('compresses stylesheets too', async () => {
    const css = await rawGet('/assets/app.css', { 'accept-encoding': 'gzip' });
    assert.equal(css.status, 200);
    assert.equal(css.headers['content-encoding'], 'gzip');
    assert.match(gunzipSync(css.body).toString('utf8'), /\{/);
  });

  test('leaves small answers and images as they are', async () => {
    const health = await rawGet('/health', { 'accept-encoding': 'gzip, br' });
    assert.equal(health.status, 200);
    assert.equal(health.headers['content-encoding'], undefined);
    assert.deepEqual(JSON.parse(health.body.toString('utf8')), { status: 'ok' });

    const image = await rawGet('/assets/og-card.png', { 'accept-encoding': 'gzip, br' });
    assert.equal(image.status, 200);
    assert.equal(image.headers['content-type'], 'image/png');
    assert.equal(image.headers['content-encoding'], undefined);
    assert.deepEqual(image.body.subarray(0, 8), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });
});

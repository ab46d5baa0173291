import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { TestClient } from '../support/client.ts';
import { nginxMissing, startNginx } from '../support/nginx.ts';
import { freePort, TempFolders } from '../support/process.ts';
import { startTestServer } from '../support/server.ts';

const SITE = path.resolve(import.meta.dirname, '../../deploy/nginx/interactive-city.conf');
const folders = new TempFolders();
after(() => folders.removeAll());

/** deploy/nginx/interactive-city.conf with its ports and certificate paths swapped for this test's. */
function siteFile(ports: { server: number; http: number; https: number }, cert: string, key: string): string {
  let site = readFileSync(SITE, 'utf8');
  const swap = (from: string | RegExp, to: string) => {
    const next = site.replace(from, to);
    assert.notEqual(next, site, `the site file no longer has ${String(from)}`);
    site = next;
  };
  swap('server 127.0.0.1:3000;', `server 127.0.0.1:${ports.server};`);
  swap(/^\s*listen \[::\].*$/gm, '');
  swap('listen 80;', `listen 127.0.0.1:${ports.http};`);
  swap('listen 443 ssl http2;', `listen 127.0.0.1:${ports.https} ssl http2;`);
  swap(/ssl_certificate .*;/, `ssl_certificate ${cert};`);
  swap(/ssl_certificate_key .*;/, `ssl_certificate_key ${key};`);
  return site;
}

/** One HTTPS request checking the certificate against ours; the body as it came (fetch would unpack it). */
function tlsRequest(
  url: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<{ protocol: string; status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, servername: 'city.example.org', headers }, (res) => {
      const protocol = 'getProtocol' in res.socket ? String((res.socket.getProtocol as () => unknown)()) : '';
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ protocol, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('deploy/nginx/interactive-city.conf in front of the server', () => {
  test(
    'TLS, the redirect to https, the forwarded address and protocol, the body limit and compression',
    { skip: nginxMissing(), timeout: 120_000 },
    async () => {
      const prefix = folders.make('ic-nginx-site-');
      const cert = path.join(prefix, 'cert.pem');
      const key = path.join(prefix, 'key.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=city.example.org',
          '-addext',
          'subjectAltName=DNS:city.example.org',
          '-keyout',
          key,
          '-out',
          cert,
        ],
        { stdio: 'ignore' },
      );
      const server = await startTestServer({
        env: { TRUST_PROXY: '1' },
        adjust: (config) => {
          config.rateLimits.signUp.limit = 3;
        },
      });
      const ports = { server: Number(new URL(server.url).port), http: await freePort(), https: await freePort() };
      const nginx = await startNginx(prefix, siteFile(ports, cert, key), ports.https);
      const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
      try {
        const url = `https://127.0.0.1:${ports.https}`;
        const tls = await tlsRequest(`${url}/health`, readFileSync(cert, 'utf8'));
        assert.equal(tls.status, 200);
        assert.match(tls.protocol, /^TLSv1\.[23]$/);

        const plain = await fetch(`http://127.0.0.1:${ports.http}/reports?x=1`, { redirect: 'manual' });
        assert.equal(plain.status, 301);
        assert.equal(plain.headers.get('location'), `https://127.0.0.1/reports?x=1`);

        // X-Forwarded-Proto: the server knows the resident came over https (HSTS), which it does not say directly
        const home = await fetch(`${url}/`, { headers: { 'accept-encoding': 'gzip' } });
        assert.ok(home.headers.get('strict-transport-security'));
        assert.equal((await fetch(`${server.url}/`)).headers.get('strict-transport-security'), null);
        assert.match(home.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/, "nginx's $request_id");

        // compression: gzip and Brotli as the client asks, passed through unchanged
        const raw = await tlsRequest(`${url}/`, readFileSync(cert, 'utf8'), { 'accept-encoding': 'gzip' });
        assert.equal(raw.headers['content-encoding'], 'gzip');
        assert.match(gunzipSync(raw.body).toString('utf8'), /<html/);
        const brotli = await fetch(`${url}/`, { headers: { 'accept-encoding': 'br' } });
        assert.equal(brotli.headers.get('content-encoding'), 'br');
        await Promise.all([home.arrayBuffer(), brotli.arrayBuffer()]);

        // X-Forwarded-For: forged addresses do not pass the per-address limit, the real one counts
        const statuses: number[] = [];
        for (let attempt = 0; attempt < 5; attempt++) {
          const client = new TestClient(url);
          client.headers['x-forwarded-for'] = `192.0.2.${attempt + 1}`;
          const response = await client.submit('/sign-up', '/sign-up', {
            displayName: 'Someone',
            email: `nginx.${attempt}.${Date.now()}@example.org`,
            password: 'a long enough password',
            acceptTerms: 'yes',
          });
          statuses.push(response.status);
        }
        assert.deepEqual(statuses, [200, 200, 200, 429, 429]);

        // the body limit: 21 MB reach the server (which answers with its own limit), more is nginx's 413
        const over = await fetch(`${url}/language`, { method: 'POST', body: new Uint8Array(22 * 1024 * 1024) });
        assert.equal(over.status, 413);
        assert.match(await over.text(), /nginx/);
        const under = await fetch(`${url}/language`, { method: 'POST', body: new Uint8Array(2 * 1024 * 1024) });
        assert.doesNotMatch(await under.text(), /nginx/);
        assert.ok(under.status >= 400 && under.status < 500, String(under.status));
      } finally {
        if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
        await nginx.stop();
        await server.close();
      }
    },
  );
});

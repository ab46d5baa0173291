import { request as httpRequest } from 'node:http';
import { TestClient } from './client.ts';

/**
 * A browser that reaches the test server under another host name, as a resident of a second city does
 * (fetch cannot set Host): every request goes to the server's port with `Host: <host>`.
 */
export class HostClient extends TestClient {
  readonly host: string;
  constructor(serverUrl: string, host: string) {
    super(serverUrl);
    this.host = host;
  }

  override request(
    method: string,
    path: string,
    init: { body?: string | FormData | Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    if (init.body !== undefined && typeof init.body !== 'string') throw new Error('HostClient sends text bodies only');
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const headers = { ...this.headers, ...(cookie ? { cookie } : {}), ...init.headers, host: this.host };
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(new URL(path, this.baseUrl), { method, headers }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const answer = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
              answer.append(name, one);
          }
          for (const header of answer.getSetCookie()) {
            const [pair = ''] = header.split(';');
            const index = pair.indexOf('=');
            const value = pair.slice(index + 1);
            if (!value || /max-age=0/i.test(header)) this.cookies.delete(pair.slice(0, index));
            else this.cookies.set(pair.slice(0, index), value);
          }
          const status = incoming.statusCode ?? 0;
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers: answer }));
        });
      });
      outgoing.on('error', reject);
      outgoing.end(init.body);
    });
  }
}

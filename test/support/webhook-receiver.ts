import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver took: its path, headers and body exactly as they arrived. */
export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: Date;
}

/**
 * A local receiver of webhooks speaking plain HTTP, as a subscriber's service would: it records every
 * request and answers the status set for its path (200 unless told otherwise). Tests verify what it got
 * with the official `standardwebhooks` package.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly #statuses = new Map<string, number>();
  #server: http.Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.#server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers))
          if (typeof value === 'string') headers[name] = value;
        const path = request.url ?? '/';
        this.received.push({ path, headers, body: Buffer.concat(chunks).toString('utf8'), at: new Date() });
        response.writeHead(this.#statuses.get(path) ?? 200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  /** What one path answers from now on. */
  answer(path: string, status: number): void {
    this.#statuses.set(path, status);
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((item) => item.path === path);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server?.closeAllConnections();
      this.#server?.close(() => resolve());
    });
  }
}

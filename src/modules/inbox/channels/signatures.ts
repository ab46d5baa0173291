import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { consumeRateLimit } from '../../../platform/auth/rate-limit.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { toClientError } from '../../../platform/http/errors.ts';

/** The largest webhook body accepted (Meta batches stay far below; 100 generic items of 20 kB fit). */
export const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

/** `sha256=<hex>` of the HMAC-SHA256 of `body` under `secret`, as Meta and our generic webhook send it. */
export function signatureOf(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Whether a `sha256=<hex>` header is the HMAC of the raw body under the secret. Compared in constant
 * time on the decoded bytes, so neither the length of a matching prefix nor letter case leaks anything.
 */
export function signatureMatches(header: unknown, secret: string | undefined, body: Buffer): boolean {
  if (typeof header !== 'string' || !secret) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match?.[1]) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Registers webhook routes whose body arrives as raw bytes (a Buffer, whatever the content type), in
 * an encapsulated scope: a signature is computed over the exact bytes sent, which re-serialised JSON
 * would not reproduce. The rest of the application keeps its JSON and form parsing.
 */
export function rawBodyRoutes(app: App, register: (scope: App) => void): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_WEBHOOK_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    // Senders are machines: every refusal is JSON `{ error: { code, message, details } }`, never a page.
    scope.setErrorHandler((error, request, reply) => {
      const refusal = toClientError(error, request);
      if (refusal.status === 429) reply.header('retry-after', '600');
      return reply
        .code(refusal.status)
        .type('application/json; charset=utf-8')
        .send({
          error: {
            code: refusal.code,
            message: refusal.message,
            ...(refusal.details ? { details: refusal.details } : {}),
          },
        });
    });
    register(scope);
  });
}

/** The raw body of a request registered through rawBodyRoutes (empty when none was sent). */
export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/** A webhook path's channel id, or CHANNEL_NOT_FOUND for anything that is not a plain positive number. */
export function channelIdParam(params: unknown): number {
  const text = (params as Record<string, unknown> | undefined)?.channelId;
  if (typeof text !== 'string' || !/^[1-9]\d{0,9}$/.test(text) || Number(text) > 2_147_483_647)
    throw new AppError('INBOX_CHANNEL_NOT_FOUND');
  return Number(text);
}

/**
 * Refuses a request whose signature is wrong, and slows down whoever keeps sending wrong ones: forged
 * deliveries are counted per address (30 per 10 minutes) and past that answered 429, so guessing a
 * secret costs time. Callers reach this before they parse anything of the body.
 */
export async function refuseForgery(ctx: AppContext, request: FastifyRequest, organisationId: number): Promise<never> {
  const limit = await consumeRateLimit(ctx.db, organisationId, {
    key: `inbox-webhook-forged:ip:${request.ip}`,
    limit: 30,
    windowSeconds: 600,
  });
  if (!limit.allowed) throw new AppError('RATE_LIMITED');
  throw new AppError('INBOX_WEBHOOK_SIGNATURE');
}

import { safeNext } from '../validation.ts';
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { isLanguage } from '../i18n/languages.ts';
import { cookieOptions, LANGUAGE_COOKIE, type App } from './app.ts';

/** Health for process managers and load balancers, the per-city theme, and the language switch. */
export function registerPlatformRoutes(app: App, ctx: AppContext, state: { ready: boolean }): void {
  // while stopping, answers close their connection so that keep-alive clients do not hold the shutdown
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!state.ready) reply.header('connection', 'close');
    return payload;
  });

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    if (!state.ready) return reply.code(503).send({ status: 'starting or stopping' });
    try {
      await sql`select 1`.execute(ctx.db);
      return { status: 'ready', database: ctx.dbKind };
    } catch {
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });

  app.get('/theme.css', { schema: { hide: true } }, async (request, reply) => {
    const colour = request.organisation.branding.primaryColor;
    const safe = colour && /^#[0-9a-fA-F]{6}$/.test(colour) ? colour : '#0b4f8a';
    reply.header('cache-control', 'public, max-age=300');
    return reply.type('text/css; charset=utf-8').send(`:root { --brand: ${safe}; }\n`);
  });

  app.post('/language', { schema: { hide: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as { lang?: unknown; next?: unknown };
    const next = safeNext(body.next);
    if (!isLanguage(body.lang)) return reply.redirect(next, 303);
    reply.setCookie(LANGUAGE_COOKIE, body.lang, cookieOptions(ctx.config, request, 365 * 86_400));
    if (request.viewer) {
      await ctx.db.updateTable('core_user').set({ language: body.lang }).where('id', '=', request.viewer.id).execute();
    }
    return reply.redirect(next, 303);
  });
}

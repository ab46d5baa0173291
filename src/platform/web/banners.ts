import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { SiteBanner } from '../module.ts';
import type { Html } from './html.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Site-wide banners of the modules (a crisis alert), loaded before a page renders; shown under the header. */
    siteBanners: Html[];
  }
}

/**
 * Loads the modules' site-wide banners for every page request (GET and HEAD), so that `renderPage`
 * (synchronous) can show them. A banner that fails to load is left out: a page never fails for it.
 */
export function registerSiteBanners(app: FastifyInstance, ctx: AppContext, banners: readonly SiteBanner[]): void {
  app.decorateRequest('siteBanners', null as unknown as Html[]);
  app.addHook('onRequest', async (request) => {
    request.siteBanners = [];
  });
  if (banners.length === 0) return;
  app.addHook('preHandler', async (request: FastifyRequest) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const rendered = await Promise.all(
      banners.map((banner) =>
        banner.render(request, ctx).catch((error: unknown) => {
          ctx.log.warn({ err: error }, 'site banner failed');
          return null;
        }),
      ),
    );
    request.siteBanners = rendered.filter((banner): banner is Html => banner !== null);
  });
}

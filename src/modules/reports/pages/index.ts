import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { registerConfirmPages } from './confirm.pages.ts';
import { registerFeedPages } from './feeds.pages.ts';
import { registerListPages } from './list.pages.ts';
import { handleReportPost, registerNewReportPages } from './new-report.pages.ts';
import { handleUpdatePost, registerReportPages } from './report.pages.ts';
import { registerReportAssets } from './shared.ts';
import { withPhotoUploads } from './uploads.ts';

/**
 * The residents' side of reports: list and map, the report form with its "similar reports" step and,
 * for residents who are not signed in, its confirmation by e-mail,
 * the public report page with history, updates and following, Atom feeds and e-mail subscriptions.
 */
export async function registerResidentPages(app: App, ctx: AppContext): Promise<void> {
  registerReportAssets(app);
  registerListPages(app, ctx);
  registerNewReportPages(app, ctx);
  registerConfirmPages(app, ctx);
  registerFeedPages(app, ctx);
  registerReportPages(app, ctx);
  await withPhotoUploads(app, (scope) => {
    scope.post('/reports', { schema: { hide: true } }, async (request, reply) => handleReportPost(ctx, request, reply));
    scope.post('/reports/:id/updates', { schema: { hide: true } }, async (request, reply) =>
      handleUpdatePost(ctx, request, reply),
    );
  });
}

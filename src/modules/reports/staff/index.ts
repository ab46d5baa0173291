import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import type { NavigationLink } from '../../../platform/module.ts';
import { registerCategoryPages } from './categories.pages.ts';
import { registerQueuePages } from './queue.pages.ts';
import { registerReportPages } from './report.pages.ts';
import { registerStaffApi } from './staff.api.ts';
import { registerStaffAssets } from './shared.ts';

/** The staff tools' entries on the administration's front page. */
export const staffNavigation: NavigationLink[] = [
  { href: '/staff/reports', label: 'reports.staff.nav.queue', roles: ['staff'] },
  { href: '/staff/categories', label: 'reports.staff.nav.categories', roles: ['admin'] },
  { href: '/staff/routing', label: 'reports.staff.nav.routing', roles: ['admin'] },
  { href: '/staff/answer-templates', label: 'reports.staff.nav.templates', roles: ['admin'] },
];

/**
 * The city staff's side of reports: department queues with bulk actions and CSV export, the staff page
 * of a report (status and public answer, re-route, merge, moderation), the administrators' settings
 * (categories and their questions, routing rules, answer templates), and the staff JSON API.
 */
export function registerStaffPages(app: App, ctx: AppContext): void {
  registerStaffAssets(app);
  registerQueuePages(app, ctx);
  registerReportPages(app, ctx);
  registerCategoryPages(app, ctx);
  registerStaffApi(app, ctx);
}

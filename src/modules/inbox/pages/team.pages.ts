import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { PreferencesForm } from '../inbox.forms.ts';
import { findNotifications, findPreferences } from '../team.repository.ts';
import { readNotifications, savePreferences } from '../team.use-cases.ts';
import { inboxViewer } from './shared.ts';
import { notificationsView, preferencesView } from './team.view.ts';

/** The notifications page and each person's inbox preferences. */
export function registerTeamPages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox/notifications', { schema: { hide: true } }, async (request, reply) => {
    const viewer = inboxViewer(request, 'read');
    return notificationsView(request, reply, await findNotifications(ctx.db, viewer.organisationId, viewer.id));
  });

  app.post('/staff/inbox/notifications/read', { schema: { hide: true } }, async (request, reply) => {
    await readNotifications(ctx, request.viewer);
    setNotice(reply, 'inbox.notify.allRead');
    return reply.redirect('/staff/inbox/notifications', 303);
  });

  app.get('/staff/inbox/preferences', { schema: { hide: true } }, async (request, reply) => {
    const viewer = inboxViewer(request, 'read');
    return preferencesView(request, reply, await findPreferences(ctx.db, viewer.id));
  });

  app.post('/staff/inbox/preferences', { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(PreferencesForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    await savePreferences(ctx, request.viewer, form.value);
    setNotice(reply, 'inbox.prefs.saved');
    return reply.redirect('/staff/inbox/preferences', 303);
  });
}

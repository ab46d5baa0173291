import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { Translated } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import { findActiveDepartments } from '../assignment.repository.ts';
import {
  findInboxSettings,
  findTopics,
  saveInboxSettings,
  saveTopic,
  setTopicArchived,
  type Topic,
} from '../listening/settings.ts';
import { idFrom as positiveInteger } from './shared.ts';
import { settingsView, topicView, type Unit } from './settings.view.ts';
import { invalidForm, readForm, translatedValue, withNumbersAsNaN } from '../../../platform/web/forms.ts';
import { InboxSettingsForm, TopicForm } from '../inbox.forms.ts';

async function departments(ctx: AppContext, organisationId: number): Promise<Unit[]> {
  const rows = await findActiveDepartments(ctx.db, organisationId);
  return rows.map((row) => ({
    id: row.id,
    name: typeof row.name === 'string' ? (JSON.parse(row.name) as Translated) : row.name,
  }));
}

/** Loads the settings, the topics (archived ones too) and the departments, and shows them. */
async function settingsPage(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { organisation } = request;
  const [settings, topics, units] = await Promise.all([
    findInboxSettings(ctx.db, organisation.id),
    findTopics(ctx.db, organisation.id, { includeArchived: true }),
    departments(ctx, organisation.id),
  ]);
  return settingsView(request, reply, { settings, topics, units });
}

/** Loads the departments and shows a topic's form. */
async function topicPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  topic: Topic | undefined,
): Promise<FastifyReply> {
  return topicView(request, reply, { topic, units: await departments(ctx, request.organisation.id) });
}

/** Retention, first-response goal, and the city's topic list with keywords per language. */
export function registerSettingsPages(app: App, ctx: AppContext): void {
  app.get('/admin/inbox/settings', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'configure');
    return settingsPage(ctx, request, reply);
  });
  app.post('/admin/inbox/settings', { schema: { hide: true } }, async (request, reply) => {
    // The settings are checked where they are saved: a number field left empty is 0, text that is no number NaN.
    const form = withNumbersAsNaN(InboxSettingsForm, readForm(InboxSettingsForm, request.body));
    await saveInboxSettings(ctx.db, request.viewer, request.organisation.id, {
      retentionDays: form.retentionDays ?? 0,
      firstResponseGoalHours: form.firstResponseGoalHours ?? 0,
    });
    setNotice(reply, 'inbox.settings.saved');
    return reply.redirect('/admin/inbox/settings', 303);
  });
  app.get('/admin/inbox/topics/:id', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'configure');
    const { id } = request.params as { id: string };
    if (id === 'new') return topicPage(ctx, request, reply, undefined);
    const topic = (await findTopics(ctx.db, request.organisation.id, { includeArchived: true })).find(
      (entry) => entry.id === positiveInteger(id),
    );
    if (!topic) throw new AppError('INBOX_TOPIC_INVALID');
    return topicPage(ctx, request, reply, topic);
  });
  app.post('/admin/inbox/topics/:id', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'configure');
    const { id } = request.params as { id: string };
    const languages = request.organisation.languages;
    const existing =
      id === 'new'
        ? undefined
        : (await findTopics(ctx.db, request.organisation.id, { includeArchived: true })).find(
            (entry) => entry.id === positiveInteger(id),
          );
    if (id !== 'new' && !existing) throw new AppError('INBOX_TOPIC_INVALID');
    const form = readForm(TopicForm(languages), request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const keywords = translatedValue(form.value, 'keywords', languages);
    await saveTopic(ctx.db, request.viewer, request.organisation.id, {
      id: existing?.id,
      key: existing?.key ?? form.value.key,
      names: translatedValue(form.value, 'name', languages),
      keywords: {
        ...existing?.keywords,
        ...Object.fromEntries(languages.map((language) => [language, (keywords[language] ?? '').split(/[,\n]/)])),
      },
      departmentId: form.value.departmentId ?? null,
    });
    setNotice(reply, 'inbox.settings.saved');
    return reply.redirect('/admin/inbox/settings', 303);
  });
  for (const action of ['archive', 'restore'] as const) {
    app.post(`/admin/inbox/topics/:id/${action}`, { schema: { hide: true } }, async (request, reply) => {
      const id = positiveInteger((request.params as { id: string }).id);
      if (id === undefined) throw new AppError('INBOX_TOPIC_INVALID');
      await setTopicArchived(ctx.db, request.viewer, request.organisation.id, id, action === 'archive');
      setNotice(reply, 'inbox.settings.saved');
      return reply.redirect('/admin/inbox/settings', 303);
    });
  }
}

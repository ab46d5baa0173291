import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { changeTemplate, createTemplate } from '../conversations.use-cases.ts';
import { mayDoInInbox } from '../inbox.policy.ts';
import { findTemplates } from '../templates.repository.ts';
import { codedError, inboxViewer, paramId, type FieldError } from './shared.ts';
import { invalidForm, readForm, translatedValue } from '../../../platform/web/forms.ts';
import { ArchiveTemplateForm, TemplateForm } from '../inbox.forms.ts';
import { templatesView, type TemplatesState } from './templates.view.ts';

/** Loads the templates the viewer may see (archived ones for administrators) and shows them. */
async function templatesPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  state?: TemplatesState,
): Promise<FastifyReply> {
  const viewer = inboxViewer(request, 'answer');
  const configure = mayDoInInbox(viewer, 'configure');
  const templates = await findTemplates(ctx.db, request.organisation.id, configure);
  return templatesView(request, reply, { templates, configure }, state);
}

function refusal(request: FastifyRequest, error: unknown, field: string): Record<string, FieldError> {
  if (!(error instanceof AppError) || error.status !== 400) throw error;
  return { [field]: codedError(field, error.code, request.t(`inbox.error.${error.code}` as MessageKey)) };
}

/** Answer templates: staff read them (and pick them when answering); administrators write and archive them. */
export function registerTemplatePages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox/templates', { schema: { hide: true } }, async (request, reply) =>
    templatesPage(ctx, request, reply),
  );

  app.post('/staff/inbox/templates', { schema: { hide: true } }, async (request, reply) => {
    const { languages } = request.organisation;
    const form = readForm(TemplateForm(languages), request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const draft = { name: form.value.name, texts: translatedValue(form.value, 'text', languages) };
    try {
      await createTemplate(ctx, request.viewer, request.organisation, draft.name, draft.texts);
    } catch (error) {
      return templatesPage(ctx, request, reply, { errors: refusal(request, error, 'new-name'), draft });
    }
    setNotice(reply, 'inbox.templates.saved');
    return reply.redirect('/staff/inbox/templates', 303);
  });

  app.post('/staff/inbox/templates/:templateId', { schema: { hide: true } }, async (request, reply) => {
    const templateId = paramId(request, 'templateId');
    const { languages } = request.organisation;
    const form = readForm(TemplateForm(languages), request.body);
    if (!form.ok) throw invalidForm(form.errors);
    try {
      await changeTemplate(ctx, request.viewer, request.organisation, templateId, {
        name: form.value.name,
        texts: translatedValue(form.value, 'text', languages),
      });
    } catch (error) {
      return templatesPage(ctx, request, reply, {
        errors: refusal(request, error, `template-${templateId}-name`),
        draft: { name: '', texts: {} },
      });
    }
    setNotice(reply, 'inbox.templates.saved');
    return reply.redirect(`/staff/inbox/templates#template-${templateId}`, 303);
  });

  app.post('/staff/inbox/templates/:templateId/archive', { schema: { hide: true } }, async (request, reply) => {
    const templateId = paramId(request, 'templateId');
    const form = readForm(ArchiveTemplateForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const archived = form.value.archived === '1';
    await changeTemplate(ctx, request.viewer, request.organisation, templateId, { archived });
    setNotice(reply, archived ? 'inbox.templates.archived' : 'inbox.templates.restored');
    return reply.redirect('/staff/inbox/templates', 303);
  });
}

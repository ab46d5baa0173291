import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { isStorableIsoDate } from '../../../platform/validation.ts';
import { endOfLastDay, startOfDay } from '../../../platform/i18n/days.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { findDistricts } from '../../places/index.ts';
import { findFlaggedComments } from '../conversation.repository.ts';
import { findPlan } from '../plan.repository.ts';
import { MAX_PLAN_BYTES } from '../plan.ts';
import { removePlan, uploadPlan } from '../use-cases/meetings.ts';
import { authorizeParticipation } from '../participation.policy.ts';
import { PARTS, type Action, type PhaseParts } from '../participation.schema.ts';
import { findProcess, findProcesses, processTime, type Process } from '../processes.repository.ts';
import { findAwaitingAnswer } from '../proposals.repository.ts';
import {
  createProcess,
  deletePhase,
  savePhase,
  updateProcess,
  type PhaseInput,
  type ProcessInput,
} from '../use-cases/manage-processes.ts';
import { commentLink } from '../use-cases/comment-subjects.ts';
import { moderationForm } from './comments.pages.ts';
import { invalidForm, parseId, readForm, translatedValue, withNumbersAsNaN } from '../../../platform/web/forms.ts';
import { PhaseForm, PlanForm, ProcessForm } from '../participation.forms.ts';
import { messages, pathId, phaseDates, plain, stylesheet, translated } from './shared.ts';
import { adminPage, phaseForm, processForm } from './admin.view.ts';
import { codeOfConduct } from '../../legal/index.ts';

function processFromForm(request: FastifyRequest): ProcessInput {
  const schema = ProcessForm(request.organisation.languages);
  const form = withNumbersAsNaN(schema, readForm(schema, request.body));
  const languages = request.organisation.languages;
  return {
    slug: form.slug.toLowerCase(),
    title: translatedValue(form, 'title', languages),
    description: translatedValue(form, 'description', languages),
    districtIds: form.districtIds.map((id) => parseId(id) ?? -1),
    eligibilityLevel: form.eligibilityLevel === 'verified' ? 'verified' : 'email',
    minAge: form.minAge ?? null,
    maxAge: form.maxAge ?? null,
    residentsOnly: form.residentsOnly,
    supportThreshold: form.supportThreshold ?? Number.NaN,
    supportDays: form.supportDays ?? Number.NaN,
    answerDays: form.answerDays ?? Number.NaN,
  };
}

/** The instant a day given in a form starts in the city (invalid text: an invalid date, reported by validation). */
function day(text: string, timeZone: string): Date {
  if (!isStorableIsoDate(text.trim())) return new Date(Number.NaN);
  return startOfDay(text, timeZone);
}

function phaseFromForm(request: FastifyRequest): PhaseInput {
  const form = readForm(PhaseForm(request.organisation.languages), request.body);
  if (!form.ok) throw invalidForm(form.errors);
  // The per-part fields are built from PARTS, so the schema's type does not name them.
  const fields = form.value as Record<string, unknown> & { startsOn: string; endsOn: string };
  const parts: PhaseParts = {};
  for (const part of PARTS) {
    if (fields[`open_${part}`] === true) parts[part] = fields[`actions_${part}`] as Action[];
  }
  return {
    title: translatedValue(form.value, 'phaseTitle', request.organisation.languages),
    startsAt: day(fields.startsOn, request.organisation.timeZone),
    // The form asks for the last day; the phase ends at the midnight after it, in the city's time zone.
    endsAt: isStorableIsoDate(fields.endsOn.trim())
      ? endOfLastDay(fields.endsOn, request.organisation.timeZone)
      : new Date(Number.NaN),
    parts,
  };
}

/** Staff pages: processes and their phases, the proposals waiting for an answer; moderators' queue. */
export function registerAdminPages(app: App, ctx: AppContext): void {
  app.get('/admin/participation', async (request, reply) => {
    authorizeParticipation(request.viewer, 'manage-processes');
    return listPage(request, reply, {}, {});
  });

  app.post('/admin/participation/processes', async (request, reply) => {
    const input = processFromForm(request);
    const outcome = await createProcess(ctx, request.viewer, request.organisation, input);
    if (!outcome.ok) return listPage(request, reply, input, messages(request, outcome.fields));
    setNotice(reply, 'participation.admin.saved');
    return reply.redirect(`/admin/participation/processes/${outcome.id}`, 303);
  });

  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Partial<ProcessInput>,
    errors: Record<string, string>,
  ) {
    const { t } = request;
    const [processes, districts] = await Promise.all([
      findProcesses(ctx.db, request.organisation.id),
      findDistricts(ctx.db, request.organisation.id),
    ]);
    return adminPage(
      request,
      reply,
      t('participation.admin.title'),
      html`<h1>${t('participation.admin.title')}</h1>
<p><a href="/admin/participation/answers">${t('participation.answers.title')}</a> · <a href="/admin/participation/moderation">${t('participation.moderation.title')}</a></p>
<h2>${t('participation.processes.title')}</h2>
<ul>${processes.map((p) => html`<li><a href="/admin/participation/processes/${p.id}">${translated(request, p.title)}</a> — ${t(`participation.processes.${processTime(p)}` as MessageKey)}</li>`)}</ul>
<h2>${t('participation.admin.newProcess')}</h2>
${errorSummary(request, errors)}
${processForm(request, '/admin/participation/processes', values, districts, errors)}`,
      Object.keys(errors).length ? 400 : 200,
    );
  }

  app.get<{ Params: { id: string } }>('/admin/participation/processes/:id', async (request, reply) => {
    authorizeParticipation(request.viewer, 'manage-processes');
    return processPage(request, reply, pathId(request.params.id, 'PROCESS_NOT_FOUND'));
  });

  app.post<{ Params: { id: string } }>('/admin/participation/processes/:id', async (request, reply) => {
    const id = pathId(request.params.id, 'PROCESS_NOT_FOUND');
    const input = processFromForm(request);
    const outcome = await updateProcess(ctx, request.viewer, request.organisation, id, input);
    if (!outcome.ok) return processPage(request, reply, id, { settings: messages(request, outcome.fields) }, input);
    setNotice(reply, 'participation.admin.saved');
    return reply.redirect(`/admin/participation/processes/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/participation/processes/:id/phases', async (request, reply) => {
    const id = pathId(request.params.id, 'PROCESS_NOT_FOUND');
    const input = phaseFromForm(request);
    const outcome = await savePhase(ctx, request.viewer, request.organisation, id, null, input);
    if (!outcome.ok)
      return processPage(request, reply, id, { phase: messages(request, outcome.fields) }, undefined, input);
    setNotice(reply, 'participation.admin.saved');
    return reply.redirect(`/admin/participation/processes/${id}#phases`, 303);
  });

  app.get<{ Params: { id: string; phaseId: string } }>(
    '/admin/participation/processes/:id/phases/:phaseId',
    async (request, reply) => {
      authorizeParticipation(request.viewer, 'manage-processes');
      return phasePage(
        request,
        reply,
        pathId(request.params.id, 'PROCESS_NOT_FOUND'),
        pathId(request.params.phaseId, 'PROCESS_PHASE_NOT_FOUND'),
        {},
      );
    },
  );

  app.post<{ Params: { id: string; phaseId: string } }>(
    '/admin/participation/processes/:id/phases/:phaseId',
    async (request, reply) => {
      const id = pathId(request.params.id, 'PROCESS_NOT_FOUND');
      const phaseId = pathId(request.params.phaseId, 'PROCESS_PHASE_NOT_FOUND');
      const input = phaseFromForm(request);
      const outcome = await savePhase(ctx, request.viewer, request.organisation, id, phaseId, input);
      if (!outcome.ok) return phasePage(request, reply, id, phaseId, messages(request, outcome.fields), input);
      setNotice(reply, 'participation.admin.saved');
      return reply.redirect(`/admin/participation/processes/${id}#phases`, 303);
    },
  );

  app.post<{ Params: { id: string; phaseId: string } }>(
    '/admin/participation/processes/:id/phases/:phaseId/delete',
    async (request, reply) => {
      const id = pathId(request.params.id, 'PROCESS_NOT_FOUND');
      await deletePhase(
        ctx,
        request.viewer,
        request.organisation,
        id,
        pathId(request.params.phaseId, 'PROCESS_PHASE_NOT_FOUND'),
      );
      setNotice(reply, 'participation.admin.saved');
      return reply.redirect(`/admin/participation/processes/${id}#phases`, 303);
    },
  );

  // The plan arrives as a file (multipart); a file over the limit is cut one byte past it and refused
  // with PLAN_TOO_LARGE by the use case, so the page can explain it instead of a bare 413.
  void app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      throwFileSizeLimit: false,
      limits: { fileSize: MAX_PLAN_BYTES + 1, files: 1, fields: 5, fieldSize: 1024, parts: 6 },
    });
    scope.post<{ Params: { id: string } }>(
      '/admin/participation/processes/:id/plan',
      { bodyLimit: MAX_PLAN_BYTES * 2 },
      async (request, reply) => {
        const id = pathId(request.params.id, 'PROCESS_NOT_FOUND');
        const form = readForm(PlanForm, request.body);
        if (!form.ok) throw invalidForm(form.errors);
        const outcome = await uploadPlan(ctx, request.viewer, request.organisation, id, form.value.planFile);
        if (!outcome.ok) {
          const message = `${request.t(`participation.error.${outcome.code}` as MessageKey)}${outcome.feature ? ` ${request.t('participation.plan.atFeature', { feature: outcome.feature })}` : ''}`;
          return processPage(request, reply, id, { plan: { planFile: message } });
        }
        setNotice(reply, 'participation.plan.saved');
        return reply.redirect(`/admin/participation/processes/${id}#plan`, 303);
      },
    );
  });

  app.post<{ Params: { id: string } }>('/admin/participation/processes/:id/plan/delete', async (request, reply) => {
    const id = pathId(request.params.id, 'PROCESS_NOT_FOUND');
    await removePlan(ctx, request.viewer, request.organisation, id);
    setNotice(reply, 'participation.plan.removed');
    return reply.redirect(`/admin/participation/processes/${id}#plan`, 303);
  });

  async function requireProcess(request: FastifyRequest, id: number): Promise<Process> {
    const process = await findProcess(ctx.db, request.organisation.id, id);
    if (!process) throw new AppError('PROCESS_NOT_FOUND');
    return process;
  }

  async function processPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    errors: { settings?: Record<string, string>; phase?: Record<string, string>; plan?: Record<string, string> } = {},
    values?: ProcessInput,
    phase?: PhaseInput,
  ) {
    const { t } = request;
    const process = await requireProcess(request, id);
    const plan = await findPlan(ctx.db, request.organisation.id, process.id);
    const districts = await findDistricts(ctx.db, request.organisation.id);
    const current: ProcessInput = {
      ...process,
      eligibilityLevel: process.eligibility.level,
      minAge: process.eligibility.minAge,
      maxAge: process.eligibility.maxAge,
      residentsOnly: process.eligibility.residentsOnly,
    };
    return adminPage(
      request,
      reply,
      plain(request, process.title),
      html`<h1>${translated(request, process.title)}</h1>
<p><a href="/processes/${process.slug}">${t('participation.admin.publicPage')}</a></p>
${errorSummary(request, { ...errors.settings, ...errors.phase, ...errors.plan })}
<details${errors.settings ? raw(' open') : ''}><summary>${t('participation.admin.settings')}</summary>
${processForm(request, `/admin/participation/processes/${process.id}`, values ?? current, districts, errors.settings ?? {})}</details>
<p><a href="/admin/participation/processes/${process.id}/meetings">${t('participation.meetings.manage')}</a></p>
<h2 id="plan">${t('participation.plan.title')}</h2>
${
  plan
    ? html`<p>${t('participation.plan.current', { count: plan.features.length, date: formatDate(request, plan.updatedAt, true) })} <a href="/proposals?process=${process.slug}&amp;view=map">${t('participation.proposals.map')}</a></p>
<form method="post" action="/admin/participation/processes/${process.id}/plan/delete" class="inline-form">${csrfField(request)}<button type="submit" class="link-button">${t('participation.plan.remove')}</button></form>`
    : html`<p>${t('participation.plan.none')}</p>`
}
<form method="post" action="/admin/participation/processes/${process.id}/plan" enctype="multipart/form-data" class="stack">${csrfField(request)}
<div class="field${errors.plan ? ' field--error' : ''}"><label for="planFile">${t('participation.plan.file')}</label>
<p class="field__hint" id="planFile-hint">${t('participation.plan.fileHint')}</p>
${errors.plan?.planFile ? html`<p class="field__error" id="planFile-error">${errors.plan.planFile}</p>` : ''}
<input type="file" id="planFile" name="planFile" accept=".geojson,.json,application/geo+json,application/json" aria-describedby="planFile-hint${errors.plan ? ' planFile-error' : ''}"${errors.plan ? raw(' aria-invalid="true"') : ''}></div>
<button type="submit" class="button">${t('participation.plan.upload')}</button></form>
<h2 id="phases">${t('participation.process.timeline')}</h2>
${
  process.phases.length === 0
    ? html`<p>${t('participation.process.noPhases')}</p>`
    : html`<div class="table-wrap"><table class="data-table"><thead><tr><th scope="col">${t('participation.admin.phaseTitle')}</th><th scope="col">${t('participation.admin.dates')}</th><th scope="col">${t('participation.admin.parts')}</th><th scope="col">${t('participation.admin.actions')}</th></tr></thead>
<tbody>${process.phases.map(
        (p) => html`<tr><th scope="row">${translated(request, p.title)}</th><td>${phaseDates(request, p)}</td>
<td>${PARTS.filter((part) => p.parts[part])
          .map(
            (part) =>
              `${t(`participation.part.${part}` as MessageKey)} (${(p.parts[part] ?? []).map((a) => t(`participation.action.${a}` as MessageKey)).join(', ') || t('participation.part.readOnly')})`,
          )
          .join('; ')}</td>
<td><a href="/admin/participation/processes/${process.id}/phases/${p.id}">${t('participation.admin.edit')}<span class="visually-hidden">: ${plain(request, p.title)}</span></a>
<form method="post" action="/admin/participation/processes/${process.id}/phases/${p.id}/delete" class="inline-form">${csrfField(request)}<button type="submit" class="link-button">${t('participation.admin.delete')}<span class="visually-hidden">: ${plain(request, p.title)}</span></button></form></td></tr>`,
      )}</tbody></table></div>`
}
<h2>${t('participation.admin.addPhase')}</h2>
${phaseForm(request, `/admin/participation/processes/${process.id}/phases`, phase, errors.phase ?? {})}`,
      errors.settings || errors.phase || errors.plan ? 400 : 200,
    );
  }

  async function phasePage(
    request: FastifyRequest,
    reply: FastifyReply,
    processId: number,
    phaseId: number,
    errors: Record<string, string>,
    values?: PhaseInput,
  ) {
    const process = await requireProcess(request, processId);
    const phase = process.phases.find((p) => p.id === phaseId);
    if (!phase) throw new AppError('PROCESS_PHASE_NOT_FOUND');
    return adminPage(
      request,
      reply,
      plain(request, phase.title),
      html`<p><a href="/admin/participation/processes/${process.id}">${translated(request, process.title)}</a></p>
<h1>${translated(request, phase.title)}</h1>
${errorSummary(request, errors)}
${phaseForm(request, `/admin/participation/processes/${process.id}/phases/${phase.id}`, values ?? phase, errors)}`,
      Object.keys(errors).length ? 400 : 200,
    );
  }

  app.get('/admin/participation/answers', async (request, reply) => {
    authorizeParticipation(request.viewer, 'answer-proposals');
    const { t } = request;
    const waiting = await findAwaitingAnswer(ctx.db, request.organisation.id);
    const now = new Date();
    return adminPage(
      request,
      reply,
      t('participation.answers.title'),
      html`<h1>${t('participation.answers.title')}</h1>
<p>${t('participation.answers.lead')}</p>
${
  waiting.length === 0
    ? html`<p>${t('participation.answers.none')}</p>`
    : html`<div class="table-wrap"><table class="data-table"><thead><tr><th scope="col">${t('participation.proposal.titleField')}</th><th scope="col">${t('participation.supports.title')}</th><th scope="col">${t('participation.answers.due')}</th></tr></thead>
<tbody>${waiting.map((p) => html`<tr><th scope="row"><a href="/proposals/${p.id}#answer">${p.title}</a></th><td>${p.supports} / ${p.threshold}</td><td>${p.answerDueAt ? html`${formatDate(request, p.answerDueAt)}${p.answerDueAt < now ? html` <strong>${t('participation.answers.overdue')}</strong>` : ''}` : ''}</td></tr>`)}</tbody></table></div>`
}`,
    );
  });

  app.get('/admin/participation/moderation', async (request, reply) => {
    authorizeParticipation(request.viewer, 'moderate');
    const { t } = request;
    const [flagged, conduct] = await Promise.all([
      findFlaggedComments(ctx.db, request.organisation.id),
      codeOfConduct(request, ctx),
    ]);
    return renderPage(request, reply, {
      title: t('participation.moderation.title'),
      noIndex: true,
      main: html`${stylesheet()}<p><a href="/admin">${t('site.admin')}</a></p><h1>${t('participation.moderation.title')}</h1>
${conduct}
${
  flagged.length === 0
    ? html`<p>${t('participation.moderation.none')}</p>`
    : html`<ol class="comment-list">${flagged.map(
        (c) => html`<li class="comment" id="comment-${c.id}">
<p class="comment__meta"><strong>${c.authorName ?? t('participation.anonymous')}</strong> · ${formatDate(request, c.createdAt, true)} · ${t(`participation.moderation.on.${c.subjectType}`)} · <a href="${commentLink(c)}">${t('participation.moderation.inContext')}</a></p>
<p class="comment__body">${c.body}</p>
<p>${t('participation.moderation.flags', { count: c.flags })}: ${c.reasons.map((r) => t(`participation.flag.${r}` as MessageKey)).join(', ')}</p>
${moderationForm(request, c, 'queue')}</li>`,
      )}</ol>`
}`,
    });
  });
}

import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { findProcesses } from '../../participation/index.ts';
import {
  changeMap,
  createMap,
  listMaps,
  mayManageMaps,
  moderateStatement,
  statementsToModerate,
} from '../opinion-maps.use-cases.ts';
import { ModerationForm, NewMapForm, pathId, StatusForm, translated } from './shared.ts';

/** Staff pages: create, open and close maps; moderate statements. */
export function registerAdminPages(app: App, ctx: AppContext): void {
  app.get('/admin/opinion-maps', async (request, reply) => {
    if (!request.viewer) throw new AppError('AUTHENTICATION_REQUIRED');
    if (!mayManageMaps(request.viewer)) throw new AppError('FORBIDDEN');
    const t = request.t;
    const maps = await listMaps(ctx, request.viewer, request.organisation);
    const processes = await findProcesses(ctx.db, request.organisation.id);
    const statusButton = (id: number, status: 'open' | 'closed', label: MessageKey) =>
      html`<form method="post" action="/admin/opinion-maps/${id}/status" class="inline">${csrfField(request)}<input type="hidden" name="status" value="${status}"><button type="submit">${t(label)}</button></form>`;
    return renderPage(request, reply, {
      title: t('opinionMaps.admin.title'),
      noIndex: true,
      main: html`<h1>${t('opinionMaps.admin.title')}</h1>
        ${
          maps.length === 0
            ? html`<p>${t('opinionMaps.empty')}</p>`
            : html`<table><caption>${t('opinionMaps.admin.maps')}</caption>
              <thead><tr><th scope="col">${t('opinionMaps.admin.question')}</th><th scope="col">${t('opinionMaps.admin.status')}</th><th scope="col">${t('opinionMaps.admin.actions')}</th></tr></thead>
              <tbody>${maps.map(
                (
                  m,
                ) => html`<tr><th scope="row"><a href="/opinion-maps/${m.id}">${translated(request, m.question)}</a></th>
                  <td>${t(`opinionMaps.status.${m.status}` as MessageKey)}</td>
                  <td>${m.status === 'open' ? statusButton(m.id, 'closed', 'opinionMaps.admin.close') : statusButton(m.id, 'open', 'opinionMaps.admin.open')}
                    <a href="/admin/opinion-maps/${m.id}">${t('opinionMaps.admin.moderate')}</a></td></tr>`,
              )}</tbody></table>`
        }
        <h2>${t('opinionMaps.admin.new')}</h2>
        <form method="post" action="/admin/opinion-maps">
          ${csrfField(request)}
          <label for="map-process">${t('opinionMaps.admin.process')}</label>
          <select id="map-process" name="processId" required>${processes.map(
            (p) => html`<option value="${p.id}">${translated(request, p.title)}</option>`,
          )}</select>
          <label for="map-question">${t('opinionMaps.admin.question')}</label>
          <textarea id="map-question" name="question" rows="2" maxlength="300" required></textarea>
          <fieldset><legend>${t('opinionMaps.admin.moderation')}</legend>
            <input type="radio" id="moderation-after" name="moderation" value="after" checked>
            <label for="moderation-after">${t('opinionMaps.admin.moderationAfter')}</label>
            <input type="radio" id="moderation-before" name="moderation" value="before">
            <label for="moderation-before">${t('opinionMaps.admin.moderationBefore')}</label>
          </fieldset>
          <button type="submit">${t('opinionMaps.admin.create')}</button>
        </form>`,
    });
  });

  app.post('/admin/opinion-maps', async (request, reply) => {
    const form = readForm(NewMapForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await createMap(ctx, request.viewer, request.organisation, {
      ...form.value,
      language: request.lang,
    });
    if (!outcome.ok) throw new AppError(outcome.code);
    setNotice(reply, 'opinionMaps.admin.saved');
    return reply.redirect(`/admin/opinion-maps/${outcome.id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/opinion-maps/:id/status', async (request, reply) => {
    const id = pathId(request.params.id);
    const form = readForm(StatusForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    await changeMap(ctx, request.viewer, request.organisation, id, { status: form.value.status });
    setNotice(reply, 'opinionMaps.admin.saved');
    return reply.redirect('/admin/opinion-maps', 303);
  });

  app.get<{ Params: { id: string } }>('/admin/opinion-maps/:id', async (request, reply) => {
    const t = request.t;
    const { map, statements } = await statementsToModerate(
      ctx,
      request.viewer,
      request.organisation,
      pathId(request.params.id),
    );
    const button = (id: number, status: 'accepted' | 'rejected', label: MessageKey) =>
      html`<form method="post" action="/admin/opinion-maps/${map.id}/statements/${id}" class="inline">${csrfField(request)}<input type="hidden" name="status" value="${status}"><button type="submit">${t(label)}</button></form>`;
    return renderPage(request, reply, {
      title: t('opinionMaps.admin.moderate'),
      noIndex: true,
      main: html`<p><a href="/admin/opinion-maps">${t('opinionMaps.admin.title')}</a></p>
        <h1>${translated(request, map.question)}</h1>
        <p>${t('opinionMaps.admin.moderationIs', { setting: t(map.moderation === 'before' ? 'opinionMaps.admin.moderationBefore' : 'opinionMaps.admin.moderationAfter') })}</p>
        ${
          statements.length === 0
            ? html`<p>${t('opinionMaps.admin.noStatements')}</p>`
            : html`<table><caption>${t('opinionMaps.admin.statements')}</caption>
              <thead><tr><th scope="col">${t('opinionMaps.results.statement')}</th><th scope="col">${t('opinionMaps.admin.status')}</th><th scope="col">${t('opinionMaps.admin.actions')}</th></tr></thead>
              <tbody>${statements.map(
                (
                  s,
                ) => html`<tr><th scope="row">${s.text}</th><td>${t(`opinionMaps.statementStatus.${s.status}` as MessageKey)}</td>
                  <td>${s.status !== 'accepted' ? button(s.id, 'accepted', 'opinionMaps.admin.accept') : ''}
                    ${s.status !== 'rejected' ? button(s.id, 'rejected', 'opinionMaps.admin.reject') : ''}</td></tr>`,
              )}</tbody></table>`
        }
        <section aria-labelledby="seed-heading"><h2 id="seed-heading">${t('opinionMaps.statement.heading')}</h2>
          <form method="post" action="/opinion-maps/${map.id}/statements">${csrfField(request)}
            <label for="seed-text">${t('opinionMaps.statement.label')}</label>
            <textarea id="seed-text" name="text" rows="2" maxlength="280" required></textarea>
            <button type="submit">${t('opinionMaps.statement.submit')}</button></form></section>`,
    });
  });

  app.post<{ Params: { id: string; statementId: string } }>(
    '/admin/opinion-maps/:id/statements/:statementId',
    async (request, reply) => {
      const id = pathId(request.params.id);
      const statementId = pathId(request.params.statementId, 'OPINION_MAP_STATEMENT_NOT_FOUND');
      const form = readForm(ModerationForm, request.body);
      if (!form.ok) throw invalidForm(form.errors);
      await moderateStatement(ctx, request.viewer, request.organisation, id, statementId, form.value.status);
      setNotice(reply, 'opinionMaps.admin.saved');
      return reply.redirect(`/admin/opinion-maps/${id}`, 303);
    },
  );
}

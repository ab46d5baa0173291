import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, renderPage, setNotice } from '../../../platform/web/layout.ts';
import {
  addStatement,
  castVote,
  listMaps,
  nextStatement,
  participationState,
  readResults,
  STATEMENT_MAX,
} from '../opinion-maps.use-cases.ts';
import type { VoteValue } from '../opinion-maps.schema.ts';
import { errorText, pathId, StatementForm, translated, VoteForm } from './shared.ts';
import { resultsMain } from './results.view.ts';

const VOTE_VALUES: Record<'agree' | 'disagree' | 'pass', VoteValue> = { agree: 1, disagree: -1, pass: 0 };

/** Residents' pages: the maps, voting one statement at a time, adding a statement, the results. */
export function registerPublicPages(app: App, ctx: AppContext): void {
  app.get('/opinion-maps', async (request, reply) => {
    const maps = await listMaps(ctx, request.viewer, request.organisation);
    const t = request.t;
    return renderPage(request, reply, {
      title: t('opinionMaps.title'),
      main: html`<h1>${t('opinionMaps.title')}</h1><p>${t('opinionMaps.lead')}</p>
        ${
          maps.length === 0
            ? html`<p>${t('opinionMaps.empty')}</p>`
            : html`<ul>${maps.map(
                (m) =>
                  html`<li><a href="/opinion-maps/${m.id}">${translated(request, m.question)}</a> — ${t(
                    'opinionMaps.participants',
                    { count: m.participants },
                  )}</li>`,
              )}</ul>`
        }`,
    });
  });

  app.get<{ Params: { id: string } }>('/opinion-maps/:id', async (request, reply) => {
    const t = request.t;
    const { map, statement, voted, total } = await nextStatement(
      ctx,
      request.viewer,
      request.organisation,
      pathId(request.params.id),
    );
    const blocker = await participationState(ctx, request.viewer, request.organisation, map);
    const signIn =
      blocker === 'AUTHENTICATION_REQUIRED'
        ? html` <a href="/sign-in?next=${encodeURIComponent(request.url)}">${t('site.signIn')}</a>`
        : '';
    const voting = blocker
      ? html`<p class="notice">${errorText(request, blocker)}${signIn}</p>`
      : statement
        ? html`<section aria-labelledby="statement-heading">
            <h2 id="statement-heading">${t('opinionMaps.vote.heading')}</h2>
            <p class="muted">${t('opinionMaps.vote.progress', { count: total, voted: String(voted) })}</p>
            <blockquote><p id="statement-text">${statement.text}</p></blockquote>
            <form method="post" action="/opinion-maps/${map.id}/votes" aria-describedby="statement-text">
              ${csrfField(request)}
              <input type="hidden" name="statementId" value="${statement.id}">
              <button type="submit" name="vote" value="agree">${t('opinionMaps.vote.agree')}</button>
              <button type="submit" name="vote" value="disagree">${t('opinionMaps.vote.disagree')}</button>
              <button type="submit" name="vote" value="pass" class="secondary">${t('opinionMaps.vote.pass')}</button>
            </form>
          </section>`
        : html`<p>${t('opinionMaps.vote.done')}</p>`;
    const writing = blocker
      ? ''
      : html`<section aria-labelledby="write-heading">
          <h2 id="write-heading">${t('opinionMaps.statement.heading')}</h2>
          <form method="post" action="/opinion-maps/${map.id}/statements">
            ${csrfField(request)}
            <label for="statement-new">${t('opinionMaps.statement.label')}</label>
            <p class="hint" id="statement-hint">${t('opinionMaps.statement.hint', { max: String(STATEMENT_MAX) })}</p>
            <textarea id="statement-new" name="text" rows="3" maxlength="${STATEMENT_MAX}" required aria-describedby="statement-hint"></textarea>
            <button type="submit">${t('opinionMaps.statement.submit')}</button>
          </form>
        </section>`;
    return renderPage(request, reply, {
      title: t('opinionMaps.title'),
      noIndex: request.viewer !== null,
      main: html`<p><a href="/opinion-maps">${t('opinionMaps.title')}</a></p>
        <h1>${translated(request, map.question)}</h1>
        ${map.status === 'closed' ? html`<p class="notice">${t('opinionMaps.closed')}</p>` : ''}
        ${map.status === 'open' ? voting : ''}
        <p><a href="/opinion-maps/${map.id}/results">${t('opinionMaps.results.link')}</a></p>
        ${map.status === 'open' ? writing : ''}`,
    });
  });

  app.post<{ Params: { id: string } }>('/opinion-maps/:id/votes', async (request, reply) => {
    const mapId = pathId(request.params.id);
    const form = readForm(VoteForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await castVote(
      ctx,
      request.viewer,
      request.organisation,
      mapId,
      form.value.statementId,
      VOTE_VALUES[form.value.vote],
    );
    if (!outcome.ok) throw new AppError(outcome.code);
    return reply.redirect(`/opinion-maps/${mapId}`, 303);
  });

  app.post<{ Params: { id: string } }>('/opinion-maps/:id/statements', async (request, reply) => {
    const mapId = pathId(request.params.id);
    const form = readForm(StatementForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await addStatement(ctx, request.viewer, request.organisation, mapId, form.value.text);
    if (!outcome.ok) throw new AppError(outcome.code);
    setNotice(reply, outcome.status === 'pending' ? 'opinionMaps.statement.pending' : 'opinionMaps.statement.added');
    return reply.redirect(`/opinion-maps/${mapId}`, 303);
  });

  app.get<{ Params: { id: string } }>('/opinion-maps/:id/results', async (request, reply) => {
    const view = await readResults(ctx, request.viewer, request.organisation, pathId(request.params.id));
    return renderPage(request, reply, {
      title: request.t('opinionMaps.results.title'),
      noIndex: request.viewer !== null,
      main: resultsMain(request, view),
    });
  });
}

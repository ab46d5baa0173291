import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, formatDate, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { DomainForm, FollowForm, ProfileForm } from '../fediverse.forms.ts';
import { mayDoInFediverse } from '../fediverse.policy.ts';
import {
  actorForEditing,
  actorsOverview,
  blockDomain,
  changeProfile,
  followAccount,
  unblockDomain,
  type ProfileInput,
} from '../fediverse.use-cases.ts';

const BASE = '/admin/fediverse';

/**
 * The city's fediverse accounts for administrators and moderators: each actor with its followers and a
 * link to its profile fields; following another account; the servers the city refuses (defederated).
 */
export function registerFediversePages(app: App, ctx: AppContext): void {
  app.get(BASE, async (request, reply) => overviewPage(request, reply));

  app.post(`${BASE}/blocked`, async (request, reply) => {
    const form = readForm(DomainForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await blockDomain(ctx, request.viewer, request.organisation, form.value.domain);
    if (!outcome.ok)
      return overviewPage(request, reply, { domain: request.t('fediverse.error.FEDIVERSE_DOMAIN_INVALID') });
    setNotice(reply, 'fediverse.admin.blocked');
    return reply.redirect(BASE, 303);
  });

  app.post(`${BASE}/unblocked`, async (request, reply) => {
    const form = readForm(DomainForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    await unblockDomain(ctx, request.viewer, request.organisation, form.value.domain);
    setNotice(reply, 'fediverse.admin.unblocked');
    return reply.redirect(BASE, 303);
  });

  app.post(`${BASE}/follow`, async (request, reply) => {
    const form = readForm(FollowForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await followAccount(
      ctx,
      request.viewer,
      request.organisation,
      form.value.handle,
      form.value.account,
    );
    if (!outcome.ok)
      return overviewPage(request, reply, { account: request.t('fediverse.error.FEDIVERSE_REMOTE_NOT_FOUND') });
    setNotice(reply, 'fediverse.admin.followed');
    return reply.redirect(BASE, 303);
  });

  app.get<{ Params: { handle: string } }>(`${BASE}/actors/:handle`, async (request, reply) => {
    const actor = await actorForEditing(ctx, request.viewer, request.organisation, request.params.handle);
    return profilePage(request, reply, actor.handle, actor);
  });

  app.post<{ Params: { handle: string } }>(`${BASE}/actors/:handle`, async (request, reply) => {
    const form = readForm(ProfileForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await changeProfile(ctx, request.viewer, request.organisation, request.params.handle, form.value);
    if (!outcome.ok) {
      const errors = Object.fromEntries(
        Object.keys(outcome.fields).map((name) => [name, request.t('fediverse.admin.tooLong')]),
      );
      return profilePage(request, reply, request.params.handle, form.value, errors);
    }
    setNotice(reply, 'fediverse.admin.saved');
    return reply.redirect(BASE, 303);
  });

  async function overviewPage(request: FastifyRequest, reply: FastifyReply, errors: Record<string, string> = {}) {
    const { t } = request;
    const { actors, blocked } = await actorsOverview(ctx, request.viewer, request.organisation);
    const mayEdit = mayDoInFediverse(request.viewer, 'profile');
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: t('fediverse.admin.title'),
      noIndex: true,
      status: Object.keys(errors).length > 0 ? 400 : 200,
      main: html`<h1>${t('fediverse.admin.title')}</h1>
<p>${t('fediverse.admin.lead')}</p>
${errorSummary(request, errors)}
<div class="table-wrap"><table class="data-table">
<thead><tr><th scope="col">${t('fediverse.admin.actor')}</th><th scope="col">${t('fediverse.admin.followers')}</th><th scope="col">${t('fediverse.admin.following')}</th></tr></thead>
<tbody>${actors.map(
        ({ actor, followers, following }) =>
          html`<tr><td><a href="/ap/actors/${actor.handle}">@${actor.handle}</a>${
            mayEdit
              ? html` · <a href="${BASE}/actors/${actor.handle}">${t('fediverse.admin.edit', { handle: actor.handle })}</a>`
              : ''
          }</td><td>${followers}</td><td>${following.map((row) => html`<span>${row.remote_actor}${row.accepted_at ? '' : html` (${t('fediverse.admin.pending')})`}</span> `)}</td></tr>`,
      )}</tbody>
</table></div>
${
  mayEdit
    ? html`<h2 id="follow-title">${t('fediverse.admin.followTitle')}</h2>
<form method="post" action="${BASE}/follow" class="stack" novalidate aria-labelledby="follow-title">
  ${csrfField(request)}
  <div class="field"><label for="handle">${t('fediverse.admin.actor')}</label>
  <select id="handle" name="handle">${actors.map(({ actor }) => html`<option value="${actor.handle}">@${actor.handle}</option>`)}</select></div>
  ${field({ name: 'account', label: t('fediverse.admin.account'), hint: t('fediverse.admin.account.hint'), error: errors.account, required: true })}
  <button type="submit" class="button">${t('fediverse.admin.follow')}</button>
</form>`
    : ''
}
<h2 id="blocked-title">${t('fediverse.admin.blockedTitle')}</h2>
<p>${t('fediverse.admin.blockedLead')}</p>
${
  blocked.length === 0
    ? html`<p>${t('fediverse.admin.noBlocked')}</p>`
    : html`<ul>${blocked.map(
        (row) => html`<li><code>${row.domain}</code> <span class="muted">${formatDate(request, row.created_at)}</span>
<form method="post" action="${BASE}/unblocked" class="inline-form">${csrfField(request)}<input type="hidden" name="domain" value="${row.domain}"><button type="submit" class="link-button">${t('fediverse.admin.unblock', { domain: row.domain })}</button></form></li>`,
      )}</ul>`
}
<form method="post" action="${BASE}/blocked" class="stack" novalidate aria-labelledby="blocked-title">
  ${csrfField(request)}
  ${field({ name: 'domain', label: t('fediverse.admin.domain'), hint: t('fediverse.admin.domain.hint'), error: errors.domain, required: true })}
  <button type="submit" class="button button--danger">${t('fediverse.admin.block')}</button>
</form>`,
    });
  }

  function profilePage(
    request: FastifyRequest,
    reply: FastifyReply,
    handle: string,
    values: ProfileInput,
    errors: Record<string, string> = {},
  ) {
    const { t } = request;
    const area = (name: keyof ProfileInput, label: string) =>
      html`<div class="field${errors[name] ? ' field--error' : ''}"><label for="${name}">${label}</label>${
        errors[name] ? html`<p class="field__error" id="${name}-error">${errors[name]}</p>` : ''
      }<textarea id="${name}" name="${name}" rows="3" maxlength="500"${errors[name] ? html` aria-describedby="${name}-error" aria-invalid="true"` : ''}>${values[name]}</textarea></div>`;
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: t('fediverse.admin.profileTitle', { handle }),
      noIndex: true,
      status: Object.keys(errors).length > 0 ? 400 : 200,
      main: html`<h1>${t('fediverse.admin.profileTitle', { handle })}</h1>
${errorSummary(request, errors)}
<form method="post" action="${BASE}/actors/${handle}" class="stack" novalidate>
  ${csrfField(request)}
  ${area('address', t('fediverse.field.address'))}
  ${area('openingHours', t('fediverse.field.hours'))}
  ${area('accessibility', t('fediverse.field.accessibility'))}
  <button type="submit" class="button">${t('fediverse.admin.save')}</button>
</form>
<p><a href="${BASE}">${t('fediverse.admin.back')}</a></p>`,
    });
  }
}

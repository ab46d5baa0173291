import type { AppContext } from '../../../platform/context.ts';
import type { Role } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, formatDate, setNotice } from '../../../platform/web/layout.ts';
import { findDepartments, findUserById, findUsers } from '../administration.repository.ts';
import { authorizeAdministration } from '../administration.policy.ts';
import { failedSignIns } from '../../../platform/auth/sign-in-throttle.ts';
import { ROLES, unlockPerson, updatePerson } from '../administration.use-cases.ts';
import { invalidForm, parseId, readForm } from '../../../platform/web/forms.ts';
import { PersonForm } from '../administration.schema.ts';
import { olderLink, renderAdminPage } from './admin-page.ts';

const PAGE_SIZE = 50;

/** People and roles: search, then set a person's role and departments. */
export function registerPeoplePages(app: App, ctx: AppContext): void {
  app.get<{ Querystring: Record<string, string | undefined> }>('/admin/users', async (request, reply) => {
    authorizeAdministration(request.viewer, 'manage-people');
    const { t, organisation, lang } = request;
    const search = (request.query.q ?? '').slice(0, 200);
    const role = ROLES.find((candidate) => candidate === request.query.role);
    const { users, hasMore } = await findUsers(ctx.db, organisation.id, {
      search,
      role,
      before: parseId(request.query.before),
      limit: PAGE_SIZE,
    });
    const departments = new Map(
      (await findDepartments(ctx.db, organisation.id)).map((d) => [
        d.id,
        localized(d.name, lang, organisation.defaultLanguage),
      ]),
    );
    return renderAdminPage(request, reply, {
      title: t('admin.users'),
      main: html`<h1>${t('admin.users')}</h1>
<p>${t('admin.users.intro')}</p>
<form method="get" action="/admin/users" class="filters" role="search">
  <div class="field"><label for="q">${t('admin.users.search')}</label><input type="search" id="q" name="q" value="${search}" maxlength="200"></div>
  <div class="field"><label for="role">${t('admin.users.role')}</label>
    <select id="role" name="role"><option value="">${t('admin.users.anyRole')}</option>${ROLES.map((r) => html`<option value="${r}"${r === role ? raw(' selected') : ''}>${t(`role.${r}`)}</option>`)}</select></div>
  <button type="submit" class="button button--secondary">${t('admin.users.filter')}</button>
</form>
${
  users.length === 0
    ? html`<p>${t('admin.users.empty')}</p>`
    : html`<div class="table-wrap"><table class="data-table">
  <caption class="visually-hidden">${t('admin.users')}</caption>
  <thead><tr><th scope="col">${t('admin.users.name')}</th><th scope="col">${t('form.email')}</th><th scope="col">${t('admin.users.role')}</th><th scope="col">${t('admin.users.departments')}</th><th scope="col">${t('admin.users.since')}</th></tr></thead>
  <tbody>${users.map(
    (user) => html`<tr>
    <td><a href="/admin/users/${user.id}">${user.display_name}</a></td>
    <td>${user.email ?? ''}${user.email_confirmed_at ? '' : html` <span class="tag">${t('admin.users.notConfirmed')}</span>`}</td>
    <td>${t(`role.${user.role}`)}</td>
    <td>${user.department_ids.map((id) => departments.get(id) ?? '').join(', ')}</td>
    <td>${formatDate(request, user.created_at)}</td>
  </tr>`,
  )}</tbody>
</table></div>`
}
${olderLink(request, hasMore, users.at(-1)?.id)}`,
    });
  });

  app.get<{ Params: { id: string } }>('/admin/users/:id', async (request, reply) => {
    authorizeAdministration(request.viewer, 'manage-people');
    const { t, organisation, lang } = request;
    const person = await findUserById(ctx.db, organisation.id, personId(request.params.id));
    if (!person) throw new AppError('USER_NOT_FOUND');
    const departments = await findDepartments(ctx.db, organisation.id);
    const locked = person.email
      ? (await failedSignIns(ctx.db, ctx.config, organisation.id, person.email)).slowed
      : false;
    return renderAdminPage(request, reply, {
      title: person.display_name,
      main: html`<h1>${person.display_name}</h1>
<p>${person.email ?? ''} · ${t('admin.users.since')} ${formatDate(request, person.created_at)}${person.email_confirmed_at ? '' : html` · ${t('admin.users.notConfirmed')}`}</p>
<form method="post" action="/admin/users/${person.id}" class="stack">
  ${csrfField(request)}
  <div class="field">
    <label for="role">${t('admin.users.role')}</label>
    <select id="role" name="role">${ROLES.map((r) => html`<option value="${r}"${r === person.role ? raw(' selected') : ''}>${t(`role.${r}`)}</option>`)}</select>
  </div>
  <fieldset class="field">
    <legend>${t('admin.users.departments')}</legend>
    ${departments.map(
      (
        department,
      ) => html`<div class="checkbox"><input type="checkbox" id="department-${department.id}" name="departmentIds" value="${department.id}"${person.department_ids.includes(department.id) ? raw(' checked') : ''}>
      <label for="department-${department.id}">${localized(department.name, lang, organisation.defaultLanguage)}${department.archivedAt ? html` (${t('admin.departments.isArchived')})` : ''}</label></div>`,
    )}
  </fieldset>
  <button type="submit" class="button">${t('form.save')}</button>
</form>
${
  locked
    ? html`<form method="post" action="/admin/users/${person.id}/unlock" class="stack">${csrfField(request)}<p>${t('admin.users.locked')}</p><button type="submit" class="button button--secondary">${t('admin.users.unlock')}</button></form>`
    : ''
}`,
    });
  });

  app.post<{ Params: { id: string } }>('/admin/users/:id', async (request, reply) => {
    const id = personId(request.params.id);
    const form = readForm(PersonForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    // The role is checked by the use case (after the viewer's rights), as it was sent.
    const role = form.value.role as Role;
    await updatePerson(ctx, request.viewer, request.organisation, id, {
      role,
      departmentIds: form.value.departmentIds,
    });
    setNotice(reply, 'admin.users.saved');
    return reply.redirect(`/admin/users/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/users/:id/unlock', async (request, reply) => {
    const id = personId(request.params.id);
    await unlockPerson(ctx, request.viewer, request.organisation, id);
    setNotice(reply, 'admin.users.unlocked');
    return reply.redirect(`/admin/users/${id}`, 303);
  });
}

function personId(value: string): number {
  const id = parseId(value);
  if (!id) throw new AppError('USER_NOT_FOUND');
  return id;
}

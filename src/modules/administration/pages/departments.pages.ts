import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, setNotice } from '../../../platform/web/layout.ts';
import { findDepartmentById, findDepartmentMembers, findDepartments } from '../administration.repository.ts';
import { authorizeAdministration } from '../administration.policy.ts';
import {
  addDepartmentMember,
  createDepartment,
  removeDepartmentMember,
  setDepartmentArchived,
  updateDepartment,
  type DepartmentInput,
  type FieldErrors,
} from '../administration.use-cases.ts';
import { invalidForm, parseId, readForm, translatedValue } from '../../../platform/web/forms.ts';
import {
  ArchiveDepartmentForm,
  DepartmentForm,
  DepartmentMemberForm,
  NewDepartmentForm,
} from '../administration.schema.ts';
import { renderAdminPage, translateErrors, translatedFields } from './admin-page.ts';

/** Departments: the list, a new one, and each one's name, e-mail address and members. */
export function registerDepartmentPages(app: App, ctx: AppContext): void {
  app.get('/admin/departments', async (request, reply) => {
    authorizeAdministration(request.viewer, 'manage-departments');
    return listPage(request, reply, { slug: '', name: {}, email: '' });
  });

  app.post('/admin/departments', async (request, reply) => {
    const { languages } = request.organisation;
    const form = readForm(NewDepartmentForm(languages), request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const input: DepartmentInput = {
      slug: form.value.slug,
      name: translatedValue(form.value, 'name', languages),
      email: form.value.email,
    };
    const outcome = await createDepartment(ctx, request.viewer, request.organisation, input);
    if (!outcome.ok) return listPage(request, reply, input, outcome.fields);
    setNotice(reply, 'admin.departments.created');
    return reply.redirect(`/admin/departments/${outcome.id}`, 303);
  });

  app.get<{ Params: { id: string } }>('/admin/departments/:id', async (request, reply) => {
    authorizeAdministration(request.viewer, 'manage-departments');
    return departmentPage(request, reply, departmentId(request.params.id));
  });

  app.post<{ Params: { id: string } }>('/admin/departments/:id', async (request, reply) => {
    const id = departmentId(request.params.id);
    const { languages } = request.organisation;
    const form = readForm(DepartmentForm(languages), request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const input = { name: translatedValue(form.value, 'name', languages), email: form.value.email };
    const outcome = await updateDepartment(ctx, request.viewer, request.organisation, id, input);
    if (!outcome.ok) return departmentPage(request, reply, id, input, outcome.fields);
    setNotice(reply, 'admin.departments.saved');
    return reply.redirect(`/admin/departments/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/departments/:id/archive', async (request, reply) => {
    const id = departmentId(request.params.id);
    const form = readForm(ArchiveDepartmentForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const archive = form.value.archived !== 'no';
    await setDepartmentArchived(ctx, request.viewer, request.organisation, id, archive);
    setNotice(reply, archive ? 'admin.departments.archived' : 'admin.departments.restored');
    return reply.redirect(`/admin/departments/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/departments/:id/members', async (request, reply) => {
    const id = departmentId(request.params.id);
    const form = readForm(DepartmentMemberForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const email = form.value.memberEmail;
    const outcome = await addDepartmentMember(ctx, request.viewer, request.organisation, id, email);
    if (!outcome.ok)
      return departmentPage(
        request,
        reply,
        id,
        undefined,
        { memberEmail: outcome.fields.email ?? 'USER_NOT_FOUND' },
        email,
      );
    setNotice(reply, 'admin.departments.memberAdded');
    return reply.redirect(`/admin/departments/${id}`, 303);
  });

  app.post<{ Params: { id: string; userId: string } }>(
    '/admin/departments/:id/members/:userId/remove',
    async (request, reply) => {
      const id = departmentId(request.params.id);
      const userId = parseId(request.params.userId);
      if (!userId) throw new AppError('USER_NOT_FOUND');
      await removeDepartmentMember(ctx, request.viewer, request.organisation, id, userId);
      setNotice(reply, 'admin.departments.memberRemoved');
      return reply.redirect(`/admin/departments/${id}`, 303);
    },
  );

  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: DepartmentInput,
    fieldErrors: FieldErrors = {},
  ) {
    const { t, organisation, lang } = request;
    const errors = translateErrors(request, fieldErrors);
    const departments = await findDepartments(ctx.db, organisation.id);
    return renderAdminPage(request, reply, {
      title: t('admin.departments'),
      status: Object.keys(errors).length ? 400 : 200,
      main: html`<h1>${t('admin.departments')}</h1>
<p>${t('admin.departments.intro')}</p>
${
  departments.length === 0
    ? html`<p>${t('admin.departments.empty')}</p>`
    : html`<div class="table-wrap"><table class="data-table">
  <caption class="visually-hidden">${t('admin.departments')}</caption>
  <thead><tr><th scope="col">${t('admin.departments')}</th><th scope="col">${t('admin.departments.email')}</th><th scope="col">${t('admin.departments.members')}</th></tr></thead>
  <tbody>${departments.map(
    (department) => html`<tr>
    <td><a href="/admin/departments/${department.id}">${localized(department.name, lang, organisation.defaultLanguage)}</a>${department.archivedAt ? html` <span class="tag">${t('admin.departments.isArchived')}</span>` : ''}</td>
    <td>${department.email ?? ''}</td>
    <td>${t('admin.departments.memberCount', { count: department.memberCount })}</td>
  </tr>`,
  )}</tbody>
</table></div>`
}
<h2 id="new-department">${t('admin.departments.new')}</h2>
${errorSummary(request, errors)}
<form method="post" action="/admin/departments" class="stack" novalidate aria-labelledby="new-department">
  ${csrfField(request)}
  ${translatedFields(request, { prefix: 'name', label: 'admin.departments.name', value: values.name, languages: organisation.languages, errors, maxlength: 120, required: organisation.defaultLanguage })}
  ${field({ name: 'slug', label: t('admin.departments.slug'), hint: t('admin.departments.slug.hint'), value: values.slug, error: errors.slug, required: true, maxlength: 60 })}
  ${field({ name: 'email', label: t('admin.departments.email'), type: 'email', value: values.email, error: errors.email, autocomplete: 'off' })}
  <button type="submit" class="button">${t('admin.departments.create')}</button>
</form>`,
    });
  }

  async function departmentPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    values?: Omit<DepartmentInput, 'slug'>,
    fieldErrors: FieldErrors = {},
    memberEmail = '',
  ) {
    const { t, organisation, lang } = request;
    const department = await findDepartmentById(ctx.db, organisation.id, id);
    if (!department) throw new AppError('DEPARTMENT_NOT_FOUND');
    const members = await findDepartmentMembers(ctx.db, organisation.id, id);
    const errors = translateErrors(request, fieldErrors);
    const current = values ?? { name: department.name, email: department.email ?? '' };
    const title = localized(department.name, lang, organisation.defaultLanguage);
    return renderAdminPage(request, reply, {
      title,
      status: Object.keys(errors).length ? 400 : 200,
      main: html`<h1>${title}${department.archivedAt ? html` <span class="tag">${t('admin.departments.isArchived')}</span>` : ''}</h1>
${errorSummary(request, errors)}
<form method="post" action="/admin/departments/${id}" class="stack" novalidate>
  ${csrfField(request)}
  ${translatedFields(request, { prefix: 'name', label: 'admin.departments.name', value: current.name, languages: organisation.languages, errors, maxlength: 120, required: organisation.defaultLanguage })}
  ${field({ name: 'email', label: t('admin.departments.email'), type: 'email', value: current.email, error: errors.email, autocomplete: 'off' })}
  <p class="muted">${t('admin.departments.slug')}: <code>${department.slug}</code></p>
  <button type="submit" class="button">${t('form.save')}</button>
</form>
<h2 id="members-title">${t('admin.departments.members')}</h2>
${
  members.length === 0
    ? ''
    : html`<ul>${members.map(
        (member) => html`<li>${member.display_name} <span class="muted">${member.email ?? ''}</span>
      <form method="post" action="/admin/departments/${id}/members/${member.id}/remove" class="inline-form">${csrfField(request)}<button type="submit" class="link-button">${t('admin.departments.remove', { name: member.display_name })}</button></form></li>`,
      )}</ul>`
}
<form method="post" action="/admin/departments/${id}/members" class="stack" novalidate>
  ${csrfField(request)}
  ${field({ name: 'memberEmail', label: t('admin.departments.addMember'), type: 'email', value: memberEmail, error: errors.memberEmail, required: true, autocomplete: 'off' })}
  <button type="submit" class="button button--secondary">${t('admin.departments.add')}</button>
</form>
<form method="post" action="/admin/departments/${id}/archive" class="stack">
  ${csrfField(request)}
  <input type="hidden" name="archived" value="${department.archivedAt ? 'no' : 'yes'}">
  <button type="submit" class="button ${department.archivedAt ? 'button--secondary' : 'button--danger'}">${t(department.archivedAt ? 'admin.departments.restore' : 'admin.departments.archive')}</button>
</form>`,
    });
  }
}

function departmentId(value: string): number {
  const id = parseId(value);
  if (!id) throw new AppError('DEPARTMENT_NOT_FOUND');
  return id;
}

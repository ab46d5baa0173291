import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, setNotice } from '../../../platform/web/layout.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { isEmail } from '../../../platform/validation.ts';
import { findAllSteps, findEmailsOfUsers, findStaffByEmails } from '../approval.repository.ts';
import { saveSteps, type StepInput } from '../approval.use-cases.ts';
import { findDepartmentChoices } from '../posts.repository.ts';
import { StepsForm } from '../publishing.forms.ts';
import { authorizePublishing } from '../publishing.policy.ts';
import { fieldTexts, publishingPage, selectField } from './shared.ts';

const ROWS = 4;

/**
 * Approval steps per department, in order: each step approved by the members of a department (the head
 * of department's office, the communication office) or by staff named by e-mail address.
 */
export function registerStepPages(app: App, ctx: AppContext): void {
  app.get('/admin/publishing/steps', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'configure');
    const { t, organisation } = request;
    const [departments, steps] = await Promise.all([
      findDepartmentChoices(ctx.db, organisation.id),
      findAllSteps(ctx.db, organisation.id),
    ]);
    const emails = await findEmailsOfUsers(ctx.db, organisation.id, [
      ...new Set(steps.flatMap((s) => s.approverUserIds)),
    ]);
    const nameOf = (id: number | null) => {
      const department = departments.find((d) => d.id === id);
      return department
        ? localized(department.name, request.lang, organisation.defaultLanguage)
        : t('publishing.steps.general');
    };
    const groups: Array<number | null> = [null, ...departments.map((d) => d.id)];
    return publishingPage(request, reply, {
      title: t('publishing.steps.title'),
      main: html`<h1>${t('publishing.steps.title')}</h1><p>${t('publishing.steps.intro')}</p>
${groups.map((departmentId) => {
  const own = steps.filter((s) => s.departmentId === departmentId);
  const prefix = `d${departmentId ?? 0}`;
  return html`<section aria-labelledby="${prefix}-title"><h2 id="${prefix}-title">${nameOf(departmentId)}</h2>
<form method="post" action="/admin/publishing/steps">${csrfField(request)}
${departmentId === null ? '' : html`<input type="hidden" name="departmentId" value="${departmentId}">`}
${Array.from({ length: ROWS }, (_, index) => {
  const step = own[index];
  return html`<fieldset><legend>${t('publishing.steps.step', { position: String(index + 1) })}</legend>
<div class="field"><label for="${prefix}-name-${index}">${t('publishing.steps.name')}</label><input type="text" id="${prefix}-name-${index}" name="names" maxlength="200" value="${step?.name ?? ''}"></div>
${selectField({ name: 'approverDepartments', id: `${prefix}-department-${index}`, label: t('publishing.steps.department'), value: String(step?.approverDepartmentId ?? ''), choices: [{ value: '', label: t('publishing.steps.noDepartment') }, ...departments.map((d) => ({ value: String(d.id), label: localized(d.name, request.lang, organisation.defaultLanguage) }))] })}
<div class="field"><label for="${prefix}-emails-${index}">${t('publishing.steps.emails')}</label><input type="text" id="${prefix}-emails-${index}" name="approverEmails" value="${(step?.approverUserIds ?? []).map((id) => emails[id] ?? '').join(', ')}"></div>
</fieldset>`;
})}
<button type="submit" class="button">${t('publishing.action.save')}</button></form></section>`;
})}`,
    });
  });

  app.post('/admin/publishing/steps', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'configure');
    const form = readForm(StepsForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const { names, approverDepartments, approverEmails } = form.value;
    const steps: StepInput[] = [];
    const errors: Record<string, string> = {};
    for (let index = 0; index < names.length; index++) {
      const name = names[index] ?? '';
      const emails = (approverEmails[index] ?? '').split(/[,\s;]+/).filter(Boolean);
      const departmentText = approverDepartments[index] ?? '';
      if (!name && !emails.length && !departmentText) continue;
      if (emails.some((email) => !isEmail(email))) errors[`step_${steps.length}_approvers`] = 'invalid';
      const users = await findStaffByEmails(ctx.db, request.organisation.id, emails.filter(isEmail));
      if (users.length < emails.length) errors[`step_${steps.length}_approvers`] = 'invalid';
      const departmentId = /^\d{1,9}$/.test(departmentText) ? Number(departmentText) : null;
      steps.push({ name, approverDepartmentId: departmentId, approverUserIds: users.map((u) => u.id) });
    }
    const outcome = Object.keys(errors).length
      ? { ok: false as const, fields: errors }
      : await saveSteps(ctx, request.viewer, request.organisation, form.value.departmentId ?? null, steps);
    if (!outcome.ok) {
      const texts = fieldTexts(request, outcome.fields);
      return publishingPage(request, reply, {
        title: request.t('publishing.steps.title'),
        status: 400,
        main: html`<h1>${request.t('publishing.steps.title')}</h1>${errorSummary(request, texts)}<p><a href="/admin/publishing/steps">${request.t('publishing.steps.back')}</a></p>`,
      });
    }
    setNotice(reply, 'publishing.notice.stepsSaved');
    return reply.redirect('/admin/publishing/steps', 303);
  });
}

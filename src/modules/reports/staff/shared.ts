import path from 'node:path';
import { assetFolder } from '../../../platform/web/assets.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { findViewer, type Viewer } from '../../../platform/auth/users.ts';
import { AppError } from '../../../platform/errors.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { renderPage } from '../../../platform/web/layout.ts';
import { stylesheet } from '../pages/shared.ts';
import { mayDo } from './staff.policy.ts';
import { findApiKeyIssuer } from './staff.repository.ts';
import type { FieldErrors, FieldProblem } from './staff.use-cases.ts';
import { parseId } from '../../../platform/validation.ts';

const assets = assetFolder('/staff/assets', path.join(import.meta.dirname, 'assets'));

/** Serves the staff pages' stylesheet, cached for a year under its content hash. */
export function registerStaffAssets(app: App): void {
  assets.register(app);
}

const SECTIONS: ReadonlyArray<{ href: string; label: MessageKey; visible: (viewer: Viewer | null) => boolean }> = [
  { href: '/staff/reports', label: 'reports.staff.nav.queue', visible: (viewer) => mayDo(viewer, 'use-queue') },
  { href: '/staff/categories', label: 'reports.staff.nav.categories', visible: (viewer) => mayDo(viewer, 'configure') },
  { href: '/staff/routing', label: 'reports.staff.nav.routing', visible: (viewer) => mayDo(viewer, 'configure') },
  {
    href: '/staff/answer-templates',
    label: 'reports.staff.nav.templates',
    visible: (viewer) => mayDo(viewer, 'configure'),
  },
];

/** Renders a staff page: never indexed or cached, with the reports staff menu and stylesheets. */
export function renderStaffPage(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { title: string; main: Html; status?: number },
): FastifyReply {
  const { t, viewer } = request;
  const current = request.url.split('?')[0] ?? '';
  const sections = SECTIONS.filter((section) => section.visible(viewer));
  reply.header('cache-control', 'no-store');
  return renderPage(request, reply, {
    title: options.title,
    noIndex: true,
    status: options.status ?? 200,
    main: html`${stylesheet()}<link rel="stylesheet" href="${assets.url('staff.css')}">
${sections.length > 1 ? html`<nav class="staff-nav" aria-label="${t('reports.staff.nav.label')}"><ul>${sections.map((s) => html`<li><a href="${s.href}"${current === s.href || current.startsWith(`${s.href}/`) ? raw(' aria-current="page"') : ''}>${t(s.label)}</a></li>`)}</ul></nav>` : ''}
${options.main}`,
  });
}

/** A positive integer id from text, or undefined (the platform's `parseId`). */
export const idFrom: (text: string) => number | undefined = parseId;

/** The id in a route's `:id` (or another named parameter). */
export function paramId(request: FastifyRequest, name = 'id'): number | undefined {
  const value = (request.params as Record<string, unknown>)[name];
  return typeof value === 'string' ? idFrom(value) : undefined;
}

/** The text of each field problem the staff use cases return. */
const PROBLEM_TEXT: Record<FieldProblem, MessageKey> = {
  answerTooLong: 'reports.staff.error.answerTooLong',
  code: 'reports.staff.categories.error.code',
  codeTaken: 'reports.staff.categories.error.codeTaken',
  datatype: 'reports.staff.categories.error.datatype',
  deadline: 'reports.staff.categories.error.deadline',
  department: 'reports.staff.categories.error.department',
  group: 'reports.staff.categories.error.group',
  hideReason: 'reports.staff.error.hideReason',
  keepDuplicate: 'reports.staff.error.keepDuplicate',
  keepId: 'reports.staff.error.keepId',
  keepMissing: 'reports.staff.error.keepMissing',
  keepSelf: 'reports.staff.error.keepSelf',
  name: 'reports.staff.categories.error.name',
  noneSelected: 'reports.staff.error.noneSelected',
  noteTooLong: 'reports.staff.error.noteTooLong',
  options: 'reports.staff.categories.error.options',
  questionCode: 'reports.staff.categories.error.questionCode',
  questionCodeTwice: 'reports.staff.categories.error.questionCodeTwice',
  questionLabel: 'reports.staff.categories.error.questionLabel',
  reason: 'reports.staff.error.reason',
  reasonTooLong: 'reports.staff.error.reasonTooLong',
  referTo: 'reports.staff.error.referTo',
  referToTooLong: 'reports.staff.error.referToTooLong',
  rerouteSame: 'reports.staff.error.rerouteSame',
  rerouteTarget: 'reports.staff.error.rerouteTarget',
  routingCategory: 'reports.staff.routing.error.category',
  routingDepartment: 'reports.staff.routing.error.department',
  routingDistrict: 'reports.staff.routing.error.district',
  sort: 'reports.staff.categories.error.sort',
  status: 'reports.staff.error.status',
  tooMany: 'reports.staff.error.tooMany',
  tooManyQuestions: 'reports.staff.categories.error.tooManyQuestions',
};

/** The message of a field problem (pages and the staff API pick the text from the code). */
export function problemText(problem: FieldProblem): MessageKey {
  return PROBLEM_TEXT[problem];
}

/** Field errors from a use case, in the reader's language. */
export function translateErrors(request: FastifyRequest, errors: FieldErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([name, problem]) => [name, request.t(PROBLEM_TEXT[problem])]));
}

/** A `<select>` with its label, hint and error wired for screen readers. */
export function selectField(options: {
  name: string;
  label: string;
  choices: Array<{ value: string; label: string; group?: string }>;
  value: string;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
  id?: string;
}): Html {
  const id = options.id ?? options.name;
  const describedBy = [options.hint ? `${id}-hint` : '', options.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const option = (choice: { value: string; label: string }) =>
    html`<option value="${choice.value}"${choice.value === options.value ? raw(' selected') : ''}>${choice.label}</option>`;
  const groups = new Map<string, Array<{ value: string; label: string }>>();
  for (const choice of options.choices)
    groups.set(choice.group ?? '', [...(groups.get(choice.group ?? '') ?? []), choice]);
  return html`<div class="field${options.error ? ' field--error' : ''}">
  <label for="${id}">${options.label}</label>
  ${options.hint ? html`<p class="field__hint" id="${id}-hint">${options.hint}</p>` : ''}
  ${options.error ? html`<p class="field__error" id="${id}-error">${options.error}</p>` : ''}
  <select id="${id}" name="${options.name}"${options.required ? raw(' required') : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${options.error ? raw(' aria-invalid="true"') : ''}>
    ${[...groups].map(([group, choices]) => (group ? html`<optgroup label="${group}">${choices.map(option)}</optgroup>` : choices.map(option)))}
  </select>
</div>`;
}

/** A `<textarea>` with its label, hint and error. */
export function textareaField(options: {
  name: string;
  label: string;
  value: string;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  maxlength: number;
  rows?: number;
  id?: string;
  lang?: string;
}): Html {
  const id = options.id ?? options.name;
  const describedBy = [options.hint ? `${id}-hint` : '', options.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${options.error ? ' field--error' : ''}">
  <label for="${id}">${options.label}</label>
  ${options.hint ? html`<p class="field__hint" id="${id}-hint">${options.hint}</p>` : ''}
  ${options.error ? html`<p class="field__error" id="${id}-error">${options.error}</p>` : ''}
  <textarea id="${id}" name="${options.name}" rows="${options.rows ?? 5}" maxlength="${options.maxlength}"${options.lang ? html` lang="${options.lang}"` : ''}${options.required ? raw(' required') : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${options.error ? raw(' aria-invalid="true"') : ''}>${options.value}</textarea>
</div>`;
}

/**
 * The person a staff request acts for: the signed-in viewer, or for an API key the administrator who
 * issued it (a key carries its issuer's rights within its scope; the audit log names both). A key
 * without the scope the request needs, or whose issuer is gone, may not act.
 */
export async function staffViewer(
  ctx: AppContext,
  request: FastifyRequest,
  scope: 'reports.read' | 'reports.write',
): Promise<Viewer> {
  if (request.viewer) return request.viewer;
  if (!request.apiClient) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!request.apiClient.scopes.includes(scope))
    throw new AppError('API_KEY_SCOPE', `This API key may not do this: it needs the scope “${scope}”.`);
  const issuerId = await findApiKeyIssuer(ctx.db, request.organisation.id, request.apiClient.id);
  const issuer = issuerId === null ? undefined : await findViewer(ctx.db, request.organisation.id, issuerId);
  if (!issuer)
    throw new AppError('FORBIDDEN', 'This API key has no one to act for: the person who issued it no longer exists.');
  return { ...issuer, displayName: `${issuer.displayName} (API key “${request.apiClient.name}”)` };
}

/** Whole days between two instants, rounded down (for "overdue by N days"). */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / 86_400_000);
}

/** The visible overdue marker: a word and an icon, not colour alone. */
export function overdueMarker(request: FastifyRequest, deadlineAt: Date | null, isOpen: boolean, now: Date): Html {
  if (!isOpen || !deadlineAt || deadlineAt.getTime() >= now.getTime()) return html``;
  const days = daysBetween(deadlineAt, now);
  return html`<strong class="staff-overdue">${days >= 1 ? request.t('reports.staff.overdueDays', { count: days }) : request.t('reports.staff.overdue')}</strong>`;
}

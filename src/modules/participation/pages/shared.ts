import path from 'node:path';
import { assetFolder } from '../../../platform/web/assets.ts';
import type { FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import type { App } from '../../../platform/http/app.ts';
import { lastMoment } from '../../../platform/i18n/days.ts';
import { numberFormat } from '../../../platform/i18n/format.ts';
import { LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localized, localizedWithLanguage, type MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { formatDate } from '../../../platform/web/layout.ts';
import type { Category, ShownStatus } from '../participation.schema.ts';
import type { Phase, Process } from '../processes.repository.ts';
import type { Proposal } from '../proposals.repository.ts';
import type { FieldErrors, FieldProblem } from '../use-cases/shared.ts';
import { requireId } from '../../../platform/validation.ts';

/** A staff-written text in the reader's language, marked with its language when it is another one. */
export function translated(request: FastifyRequest, value: Translated | null | undefined): Html {
  if (!value || Object.keys(value).length === 0) return html``;
  const { text, lang } = localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage);
  return lang === request.lang ? html`${text}` : html`<span lang="${lang}">${text}</span>`;
}

export function plain(request: FastifyRequest, value: Translated | null | undefined): string {
  return localized(value, request.lang, request.organisation.defaultLanguage);
}

/** Paragraphs of a multi-line text (staff-written and translated, or a resident's own). */
export function paragraphs(request: FastifyRequest, value: Translated | string | null | undefined): Html {
  if (!value) return html``;
  const { text, lang } =
    typeof value === 'string'
      ? { text: value, lang: request.lang }
      : localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage);
  const parts = text
    .split(/\n{2,}/)
    .map((part) => part.trim())
    .filter(Boolean);
  return html`<div class="prose"${lang === request.lang ? '' : html` lang="${lang}"`}>${parts.map((part) => html`<p>${part}</p>`)}</div>`;
}

export function number(request: FastifyRequest, value: number): string {
  return numberFormat(LANGUAGES[request.lang].locale.replace('_', '-')).format(value);
}

export function statusLabel(request: FastifyRequest, status: ShownStatus): string {
  return request.t(`participation.status.${status}` as MessageKey);
}

export function statusTag(request: FastifyRequest, status: ShownStatus): Html {
  return html`<span class="tag proposal-status proposal-status--${status}">${statusLabel(request, status)}</span>`;
}

export function categoryLabel(request: FastifyRequest, category: Category): string {
  return request.t(`participation.category.${category}` as MessageKey);
}

/** A moment on the last day of a phase (phases end when the day after their last day starts in the city). */
export function lastDay(phase: Phase): Date {
  return lastMoment(phase.endsAt);
}

export function phaseDates(request: FastifyRequest, phase: Phase): string {
  return `${formatDate(request, phase.startsAt)} – ${formatDate(request, lastDay(phase))}`;
}

/**
 * How far a proposal is from its threshold, as a native progress bar with its figures in words (the
 * bar is for the eye; the sentence carries the content).
 */
export function supportMeter(request: FastifyRequest, proposal: Pick<Proposal, 'id' | 'supports' | 'threshold'>): Html {
  const { t } = request;
  const missing = Math.max(0, proposal.threshold - proposal.supports);
  const id = `supports-${proposal.id}`;
  return html`<div class="support-meter"><progress id="${id}" max="${proposal.threshold}" value="${Math.min(proposal.supports, proposal.threshold)}" aria-describedby="${id}-text"></progress>
<p id="${id}-text" class="support-meter__text">${t('participation.supports.count', { supports: number(request, proposal.supports), count: proposal.threshold })}${missing > 0 ? html` · ${t('participation.supports.missing', { count: missing })}` : html` · ${t('participation.supports.reached')}`}</p></div>`;
}

/** A positive id from a path parameter; anything else is a 404 with `code`. */
export function pathId(value: unknown, code: string): number {
  return requireId(value, code);
}

/** The first value of a query parameter, trimmed. */
export function queryText(request: FastifyRequest, name: string): string {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  const first: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

/** The text of each field problem a participation use case can return. */
const PROBLEM_TEXT: Record<FieldProblem, MessageKey> = {
  age: 'participation.error.age',
  answer: 'participation.error.answer',
  answerText: 'participation.error.answerText',
  bodyRequired: 'participation.error.bodyRequired',
  capacityBelowRegistrations: 'participation.meetings.error.capacityBelowRegistrations',
  category: 'participation.error.category',
  commentRequired: 'participation.error.commentRequired',
  date: 'participation.error.date',
  district: 'participation.error.district',
  endBeforeStart: 'participation.meetings.error.endBeforeStart',
  minutesRequired: 'participation.meetings.error.minutesRequired',
  number: 'participation.error.number',
  outsideScope: 'participation.error.outsideScope',
  parent: 'participation.error.parent',
  parts: 'participation.error.parts',
  phaseEnd: 'participation.error.phaseEnd',
  phaseOverlap: 'participation.error.phaseOverlap',
  place: 'participation.error.place',
  placeOutsideCity: 'participation.error.placeOutsideCity',
  placeRequired: 'participation.meetings.error.placeRequired',
  proposals: 'participation.meetings.error.proposals',
  reason: 'participation.error.reason',
  residentsNeedDistricts: 'participation.error.residentsNeedDistricts',
  slug: 'participation.error.slug',
  slugTaken: 'participation.error.slugTaken',
  time: 'participation.meetings.error.time',
  titleRequired: 'participation.error.titleRequired',
  tooLong: 'participation.error.tooLong',
  url: 'participation.meetings.error.url',
  withdrawn: 'participation.error.withdrawn',
};

/** The message for a field problem of a participation use case (also for other modules' pages, through index.ts). */
export function fieldProblemMessage(problem: FieldProblem): MessageKey {
  return PROBLEM_TEXT[problem];
}

/** The page picks each field's text from its problem code. */
export function messages(request: FastifyRequest, errors: FieldErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([name, problem]) => [name, request.t(PROBLEM_TEXT[problem])]));
}

export function select(
  name: string,
  label: string,
  options: ReadonlyArray<readonly [string, string]>,
  selected: string,
  error?: string,
): Html {
  return html`<div class="field${error ? ' field--error' : ''}"><label for="${name}">${label}</label>
${error ? html`<p class="field__error" id="${name}-error">${error}</p>` : ''}
<select id="${name}" name="${name}"${error ? raw(` aria-describedby="${name}-error" aria-invalid="true"`) : ''}>${options.map(([value, text]) => html`<option value="${value}"${value === selected ? raw(' selected') : ''}>${text}</option>`)}</select></div>`;
}

export function textarea(
  name: string,
  label: string,
  value: string,
  options: { error?: string | undefined; hint?: string; rows?: number; maxlength?: number; required?: boolean } = {},
): Html {
  const describedBy = [options.hint ? `${name}-hint` : '', options.error ? `${name}-error` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="field${options.error ? ' field--error' : ''}"><label for="${name}">${label}</label>
${options.hint ? html`<p class="field__hint" id="${name}-hint">${options.hint}</p>` : ''}
${options.error ? html`<p class="field__error" id="${name}-error">${options.error}</p>` : ''}
<textarea id="${name}" name="${name}" rows="${options.rows ?? 6}"${options.maxlength ? html` maxlength="${options.maxlength}"` : ''}${options.required ? raw(' required') : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${options.error ? raw(' aria-invalid="true"') : ''}>${value}</textarea></div>`;
}

/** Who may take part in a process, in words. */
export function eligibilityText(request: FastifyRequest, process: Process, districtNames: string[]): string {
  const { t } = request;
  const parts = [
    t(
      process.eligibility.level === 'verified'
        ? 'participation.eligibility.verified'
        : 'participation.eligibility.email',
    ),
  ];
  const { minAge, maxAge } = process.eligibility;
  if (minAge !== null && maxAge !== null)
    parts.push(t('participation.eligibility.ageRange', { min: minAge, max: maxAge }));
  else if (minAge !== null) parts.push(t('participation.eligibility.minAge', { age: minAge }));
  else if (maxAge !== null) parts.push(t('participation.eligibility.maxAge', { age: maxAge }));
  if (process.eligibility.residentsOnly && districtNames.length > 0)
    parts.push(t('participation.eligibility.residents', { districts: districtNames.join(', ') }));
  return parts.join(' ');
}

// ---- the pages' stylesheet, versioned by content ----

const assets = assetFolder('/participation/assets', path.join(import.meta.dirname, 'assets'));

export function stylesheet(): Html {
  return html`<link rel="stylesheet" href="${assets.url('participation.css')}">`;
}

export function registerParticipationAssets(app: App): void {
  assets.register(app);
}

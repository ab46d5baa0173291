import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Translated } from '../../../platform/db/schema.ts';
import { numberFormat } from '../../../platform/i18n/format.ts';
import { LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localizedWithLanguage, type MessageKey } from '../../../platform/i18n/translate.ts';
import { ChosenId, TrimmedText } from '../../../platform/web/forms.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { requireId } from '../../../platform/validation.ts';

export const VoteForm = Type.Object({
  statementId: ChosenId(),
  vote: Type.Union([Type.Literal('agree'), Type.Literal('disagree'), Type.Literal('pass')]),
});
export const StatementForm = Type.Object({ text: TrimmedText({ maxLength: 2000 }) });
export const NewMapForm = Type.Object({
  processId: ChosenId(),
  question: TrimmedText({ maxLength: 2000 }),
  moderation: Type.Union([Type.Literal('before'), Type.Literal('after')]),
});
export const StatusForm = Type.Object({
  status: Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('draft')]),
});
export const ModerationForm = Type.Object({
  status: Type.Union([Type.Literal('accepted'), Type.Literal('rejected')]),
});

export function pathId(value: unknown, code = 'OPINION_MAP_NOT_FOUND'): number {
  return requireId(value, code);
}

/** A staff-written text in the reader's language, marked with its language when it is another one. */
export function translated(request: FastifyRequest, value: Translated): Html {
  if (Object.keys(value).length === 0) return html``;
  const { text, lang } = localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage);
  return lang === request.lang ? html`${text}` : html`<span lang="${lang}">${text}</span>`;
}

export function percent(request: FastifyRequest, share: number): string {
  return numberFormat(LANGUAGES[request.lang].locale.replace('_', '-'), {
    style: 'percent',
    maximumFractionDigits: 0,
  }).format(share);
}

/** Group names: A, B, C… */
export function groupLabel(index: number): string {
  return String.fromCharCode(65 + index);
}

export function errorText(request: FastifyRequest, code: string): string {
  return request.t(`opinionMaps.error.${code}` as MessageKey);
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { translatedInputs } from '../../../platform/web/components/translated-inputs.ts';
import { csrfField, field, renderPage } from '../../../platform/web/layout.ts';
import { PHASES, VOTING_RULES } from '../budgets.schema.ts';
import type { BudgetInput } from '../budget-admin.use-cases.ts';
import { phaseLabel, stylesheet } from './shared.ts';

export function select(
  name: string,
  label: string,
  options: ReadonlyArray<[string, string]>,
  selected: string,
  error?: string,
): Html {
  return html`<div class="field${error ? ' field--error' : ''}"><label for="${name}">${label}</label>
${error ? html`<p class="field__error" id="${name}-error">${error}</p>` : ''}
<select id="${name}" name="${name}"${error ? raw(` aria-describedby="${name}-error" aria-invalid="true"`) : ''}>${options.map(([value, text]) => html`<option value="${value}"${value === selected ? raw(' selected') : ''}>${text}</option>`)}</select></div>`;
}

export function budgetForm(
  request: FastifyRequest,
  action: string,
  values: Partial<BudgetInput>,
  errors: Record<string, string>,
): Html {
  const { t } = request;
  const text = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));
  return html`<form method="post" action="${action}" class="stack" novalidate>
${csrfField(request)}
${translatedInputs(request, 'title', 'budgets.admin.budgetTitle', values.title ?? {}, errors)}
${translatedInputs(request, 'description', 'budgets.admin.description', values.description ?? {}, errors, true)}
${select(
  'votingRule',
  t('budgets.admin.votingRule'),
  VOTING_RULES.map((rule) => [rule, t(`budgets.rule.name.${rule}` as MessageKey)]),
  values.votingRule ?? 'approval',
  errors.votingRule,
)}
${field({ name: 'maxProjects', label: t('budgets.admin.maxProjects'), type: 'number', value: text(values.maxProjects), error: errors.maxProjects })}
${field({ name: 'maxVotes', label: t('budgets.admin.maxVotes'), type: 'number', value: text(values.maxVotes), error: errors.maxVotes })}
${field({ name: 'maxVotesPerProject', label: t('budgets.admin.maxVotesPerProject'), type: 'number', value: text(values.maxVotesPerProject), error: errors.maxVotesPerProject })}
${field({ name: 'minShare', label: t('budgets.admin.minShare'), type: 'number', value: values.minShare ? String(Math.round(values.minShare * 100)) : '', error: errors.minShare })}
${select(
  'resultsMethod',
  t('budgets.admin.resultsMethod'),
  [
    ['votes', t('budgets.results.method.votes')],
    ['equal_shares', t('budgets.results.method.equal_shares')],
  ],
  values.resultsMethod ?? 'votes',
  errors.resultsMethod,
)}
${select(
  'eligibilityLevel',
  t('budgets.admin.eligibility'),
  [
    ['verified', t('budgets.eligibility.verified')],
    ['email', t('budgets.eligibility.email')],
  ],
  values.eligibilityLevel ?? 'verified',
)}
${field({ name: 'minAge', label: t('budgets.admin.minAge'), type: 'number', value: text(values.minAge), error: errors.minAge })}
${field({ name: 'maxAge', label: t('budgets.admin.maxAge'), type: 'number', value: text(values.maxAge), error: errors.maxAge })}
<div class="checkbox"><input type="checkbox" id="districtResidentsOnly" name="districtResidentsOnly" value="yes"${values.districtResidentsOnly ? raw(' checked') : ''}><label for="districtResidentsOnly">${t('budgets.admin.districtResidentsOnly')}</label></div>
${field({ name: 'processId', label: t('budgets.admin.processId'), type: 'number', value: text(values.processId) })}
${field({ name: 'maxSupportsPerHeading', label: t('budgets.admin.maxSupports'), type: 'number', value: text(values.maxSupportsPerHeading), error: errors.maxSupportsPerHeading })}
${select('phaseOverride', t('budgets.admin.phaseOverride'), [['', t('budgets.admin.phaseByDates')], ...[...PHASES, 'closed' as const].map((p): [string, string] => [p, p === 'closed' ? t('budgets.phase.none') : phaseLabel(request, p)])], values.phaseOverride ?? '')}
<button type="submit" class="button">${t('budgets.admin.save')}</button>
</form>`;
}

export function adminPage(request: FastifyRequest, reply: FastifyReply, title: string, main: Html, status = 200) {
  reply.header('cache-control', 'no-store');
  return renderPage(request, reply, {
    title,
    noIndex: true,
    status,
    main: html`${stylesheet()}<p><a href="/admin">${request.t('site.admin')}</a> › <a href="/admin/budgets">${request.t('budgets.admin.title')}</a></p>${main}`,
  });
}

import type { FastifyRequest } from 'fastify';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import type { Heading } from '../budgets.repository.ts';
import { budgetsAsset, money, plain, stylesheet } from './shared.ts';

export function styles(): Html {
  return html`${stylesheet()}<link rel="stylesheet" href="${budgetsAsset('projects.css')}">`;
}

export function headingSelect(request: FastifyRequest, headings: Heading[], selected: number, error?: string): Html {
  const options = headings.map((h): [string, string] => [
    String(h.id),
    `${plain(request, h.name)} — ${money(request, h.amount)}`,
  ]);
  return html`<div class="field${error ? ' field--error' : ''}"><label for="headingId">${request.t('budgets.propose.headingField')}</label>
<p class="field__hint" id="headingId-hint">${request.t('budgets.propose.headingHint')}</p>
${error ? html`<p class="field__error" id="headingId-error">${error}</p>` : ''}
<select id="headingId" name="headingId" aria-describedby="headingId-hint${error ? ' headingId-error' : ''}"${error ? raw(' aria-invalid="true"') : ''}>${options.map(([value, text]) => html`<option value="${value}"${value === String(selected) ? raw(' selected') : ''}>${text}</option>`)}</select></div>`;
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import { dateFormat } from '../../../platform/i18n/format.ts';
import { dayIn } from '../../../platform/i18n/days.ts';
import { LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localizedWithLanguage } from '../../../platform/i18n/translate.ts';
import { translatedInputs } from '../../../platform/web/components/translated-inputs.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, renderPage } from '../../../platform/web/layout.ts';
import type { Blackout } from '../calendar.repository.ts';

export interface BlackoutDraft {
  firstDay: string;
  lastDay: string;
  reason: Record<string, string>;
}

/** The blackout periods (elections, mourning) to come, and for administrators the form to add one. */
export function blackoutsView(
  request: FastifyRequest,
  reply: FastifyReply,
  blackouts: Blackout[],
  manage: boolean,
  state: { errors?: Record<string, string>; draft?: BlackoutDraft; status?: number } = {},
): FastifyReply {
  const { t, organisation } = request;
  const errors = state.errors ?? {};
  const format = dateFormat(LANGUAGES[request.lang].locale.replace('_', '-'), {
    dateStyle: 'long',
    timeZone: organisation.timeZone,
  });
  const period = (b: Blackout) =>
    t('publishing.calendar.range', {
      from: format.format(b.startsAt),
      to: format.format(new Date(b.endsAt.getTime() - 1)),
    });
  const row = (b: Blackout): Html => {
    const reason = localizedWithLanguage(b.reason, request.lang, organisation.defaultLanguage);
    return html`<tr>
  <td>${period(b)}</td>
  <td${reason.lang === request.lang ? '' : html` lang="${reason.lang}"`}>${reason.text}</td>
  ${
    manage
      ? html`<td><form method="post" action="/staff/publishing/blackouts/${b.id}/delete">${csrfField(request)}<button type="submit" class="button button--small button--secondary">${t('publishing.calendar.blackouts.remove')}<span class="visually-hidden">: ${period(b)}</span></button></form></td>`
      : ''
  }
</tr>`;
  };
  return renderPage(request, reply, {
    title: t('publishing.calendar.blackouts.title'),
    noIndex: true,
    status: state.status ?? 200,
    main: html`<h1>${t('publishing.calendar.blackouts.title')}</h1>
<p>${t('publishing.calendar.blackouts.lead')}</p>
<p><a href="/staff/publishing/calendar">${t('publishing.calendar.title')}</a></p>
${
  blackouts.length
    ? html`<table>
  <caption>${t('publishing.calendar.blackouts.upcoming')}</caption>
  <thead><tr><th scope="col">${t('publishing.calendar.blackouts.period')}</th><th scope="col">${t('publishing.calendar.blackouts.reason')}</th>${manage ? html`<th scope="col">${t('publishing.calendar.blackouts.actions')}</th>` : ''}</tr></thead>
  <tbody>${blackouts.map(row)}</tbody>
</table>`
    : html`<p>${t('publishing.calendar.blackouts.none')}</p>`
}
${
  manage
    ? html`<h2 id="blackout-new">${t('publishing.calendar.blackouts.add')}</h2>
${errorSummary(request, errors)}
<form method="post" action="/staff/publishing/blackouts" aria-labelledby="blackout-new">
  ${csrfField(request)}
  ${field({ name: 'firstDay', type: 'date', label: t('publishing.calendar.blackouts.firstDay'), value: state.draft?.firstDay ?? dayIn(new Date(), organisation.timeZone), required: true, error: errors.firstDay })}
  ${field({ name: 'lastDay', type: 'date', label: t('publishing.calendar.blackouts.lastDay'), value: state.draft?.lastDay ?? '', required: true, error: errors.lastDay })}
  ${translatedInputs(request, 'reason', 'publishing.calendar.blackouts.reason', state.draft?.reason ?? {}, errors)}
  <button type="submit" class="button">${t('publishing.calendar.blackouts.add')}</button>
</form>`
    : ''
}`,
  });
}

import type { FastifyRequest } from 'fastify';
import { wallClockAt } from '../../../platform/i18n/days.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { csrfField, field } from '../../../platform/web/layout.ts';
import type { MeetingInput } from '../use-cases/meetings.ts';
import { translatedInputs } from '../../../platform/web/components/translated-inputs.ts';

/** A date and time as the wall clock of the city shows it: ["2026-12-03", "18:30"]. */
function wallClock(date: Date, timeZone: string): [string, string] {
  const clock = wallClockAt(date, timeZone);
  return [`${clock.year}-${clock.month}-${clock.day}`, `${clock.hour}:${clock.minute}`];
}

export function meetingForm(
  request: FastifyRequest,
  action: string,
  values: Partial<MeetingInput>,
  errors: Record<string, string>,
): Html {
  const { t, organisation } = request;
  const start =
    values.startsAt && !Number.isNaN(values.startsAt.getTime())
      ? wallClock(values.startsAt, organisation.timeZone)
      : ['', ''];
  const end =
    values.endsAt && !Number.isNaN(values.endsAt.getTime())
      ? wallClock(values.endsAt, organisation.timeZone)
      : ['', ''];
  const text = (value: number | null | undefined) =>
    value === null || value === undefined || Number.isNaN(value) ? '' : String(value);
  return html`<form method="post" action="${action}" class="stack" novalidate>${csrfField(request)}
${translatedInputs(request, 'title', 'participation.meetings.titleField', values.title ?? {}, errors)}
${translatedInputs(request, 'description', 'participation.meetings.description', values.description ?? {}, errors, true)}
${field({ name: 'startsOn', label: t('participation.meetings.day'), type: 'date', value: start[0], error: errors.startsOn, required: true })}
${field({ name: 'startTime', label: t('participation.meetings.startTime'), hint: t('participation.meetings.timeHint'), value: start[1], error: errors.startTime, required: true, maxlength: 5 })}
${field({ name: 'endTime', label: t('participation.meetings.endTime'), hint: t('participation.meetings.timeHint'), value: end[1], error: errors.endTime, required: true, maxlength: 5 })}
<fieldset><legend>${t('participation.meetings.where')}</legend>
<p class="field__hint">${t('participation.meetings.whereHint')}</p>
${field({ name: 'address', label: t('participation.meetings.address'), value: values.address ?? '', error: errors.address, maxlength: 300 })}
${field({ name: 'lat', label: t('participation.proposal.lat'), value: text(values.lat), error: errors.lat })}
${field({ name: 'lng', label: t('participation.proposal.lng'), value: text(values.lng) })}
${field({ name: 'onlineUrl', label: t('participation.meetings.onlineUrl'), type: 'url', value: values.onlineUrl ?? '', error: errors.onlineUrl, maxlength: 500 })}
</fieldset>
${field({ name: 'capacity', label: t('participation.meetings.capacity'), type: 'number', value: text(values.capacity), error: errors.capacity, required: true })}
${field({ name: 'proposalIds', label: t('participation.meetings.proposalIds'), hint: t('participation.meetings.proposalIdsHint'), value: (values.proposalIds ?? []).join(', '), error: errors.proposalIds })}
<button type="submit" class="button">${t('participation.admin.save')}</button></form>`;
}

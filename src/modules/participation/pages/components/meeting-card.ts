import { httpUrl } from '../../../../platform/validation.ts';
import type { FastifyRequest } from 'fastify';
import { html, type Html } from '../../../../platform/web/html.ts';
import { formatDate } from '../../../../platform/web/layout.ts';
import type { Meeting } from '../../meetings.repository.ts';
import { number, translated } from '../shared.ts';

export function placesLeft(request: FastifyRequest, meeting: Meeting): string {
  const left = meeting.capacity - meeting.registrations;
  return left > 0
    ? request.t('participation.meetings.placesLeft', {
        left: number(request, left),
        count: meeting.capacity,
      })
    : request.t('participation.meetings.full');
}

export function when(request: FastifyRequest, meeting: Meeting): Html {
  return html`<time datetime="${meeting.startsAt.toISOString()}">${formatDate(request, meeting.startsAt, true)}</time> – <time datetime="${meeting.endsAt.toISOString()}">${formatDate(request, meeting.endsAt, true)}</time>`;
}

export function where(request: FastifyRequest, meeting: Meeting): Html {
  const { t } = request;
  return html`${meeting.address ? html`${meeting.address}` : ''}${meeting.address && meeting.onlineUrl ? html` · ` : ''}${httpUrl(meeting.onlineUrl) ? html`<a href="${httpUrl(meeting.onlineUrl)}" rel="noopener">${t('participation.meetings.online')}</a>` : ''}`;
}

/** The meetings of a process as a list of cards, coming ones first, then past ones from the latest (at most `limit`). */
export function meetingList(
  request: FastifyRequest,
  meetings: Meeting[],
  headingLevel: 2 | 3,
  now = new Date(),
  limit = Infinity,
): Html {
  const { t } = request;
  if (meetings.length === 0) return html`<p>${t('participation.meetings.none')}</p>`;
  const coming = meetings.filter((m) => m.endsAt > now);
  const past = meetings.filter((m) => m.endsAt <= now).reverse();
  return html`<ul class="cards">${[...coming, ...past].slice(0, limit).map((m) => {
    const link = html`<a href="/meetings/${m.id}">${translated(request, m.title)}</a>`;
    return html`<li class="card">${headingLevel === 2 ? html`<h2>${link}</h2>` : html`<h3>${link}</h3>`}
<p>${when(request, m)}</p>
<p>${where(request, m)}</p>
<p class="muted">${m.endsAt <= now ? (m.minutes ? t('participation.meetings.minutesPublished') : t('participation.meetings.held')) : placesLeft(request, m)}</p></li>`;
  })}</ul>`;
}

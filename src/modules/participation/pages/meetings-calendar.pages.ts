import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import { calendar, type CalendarEvent } from '../../../platform/web/icalendar.ts';
import { findCityMeetings, findMeeting, findMeetings, type Meeting } from '../meetings.repository.ts';
import { findProcessBySlug } from '../processes.repository.ts';
import { pathId, plain } from './shared.ts';

/** How far back the city's and a process's feeds reach: a calendar keeps past events it already has. */
const FEED_PAST_DAYS = 90;
const FEED_LIMIT = 1000;

/** A meeting as a calendar event: stable UID, SEQUENCE from its changes, the online link as CONFERENCE. */
function meetingEvent(request: FastifyRequest, meeting: Meeting): CalendarEvent {
  const page = absoluteUrl(request.server, request.organisation, `/meetings/${meeting.id}`);
  const description = plain(request, meeting.description);
  return {
    uid: `meeting-${meeting.id}@${new URL(page).host}`,
    title: plain(request, meeting.title),
    start: meeting.startsAt,
    end: meeting.endsAt,
    created: meeting.createdAt,
    modified: meeting.updatedAt,
    sequence: meeting.sequence,
    url: page,
    description: [description, meeting.onlineUrl ?? '', page].filter(Boolean).join('\n\n'),
    location: meeting.address ?? meeting.onlineUrl ?? undefined,
    geo: meeting.lat !== null && meeting.lng !== null ? { lat: meeting.lat, lng: meeting.lng } : undefined,
    conference: meeting.onlineUrl ?? undefined,
  };
}

function sendCalendar(reply: FastifyReply, body: string, filename: string): FastifyReply {
  return reply
    .type('text/calendar; charset=utf-8')
    .header('content-disposition', `inline; filename="${filename}"`)
    .header('cache-control', 'public, max-age=300')
    .send(body);
}

/**
 * Meetings in every calendar (RFC 5545): one meeting (`/meetings/{id}/calendar.ics`, what "add to my calendar"
 * downloads), a process's meetings and the whole city's (`/meetings.ics`), to subscribe to. Titles and texts in
 * the reader's language (`?lang=`).
 */
export function registerMeetingCalendarPages(app: App, ctx: AppContext): void {
  app.get('/meetings.ics', { schema: { hide: true } }, async (request, reply) => {
    const since = new Date(Date.now() - FEED_PAST_DAYS * 86_400_000);
    const meetings = await findCityMeetings(ctx.db, request.organisation.id, since, FEED_LIMIT);
    const name = request.t('participation.meetings.calendar.city', { city: plain(request, request.organisation.name) });
    return sendCalendar(
      reply,
      calendar(
        name,
        meetings.map((meeting) => meetingEvent(request, meeting)),
        new Date(),
        'Meetings',
      ),
      'meetings.ics',
    );
  });

  app.get<{ Params: { slug: string } }>(
    '/processes/:slug/meetings.ics',
    { schema: { hide: true } },
    async (request, reply) => {
      const process = await findProcessBySlug(ctx.db, request.organisation.id, request.params.slug);
      if (!process) throw new AppError('PROCESS_NOT_FOUND');
      const since = Date.now() - FEED_PAST_DAYS * 86_400_000;
      const meetings = (await findMeetings(ctx.db, request.organisation.id, process.id))
        .filter((meeting) => meeting.endsAt.getTime() > since)
        .slice(0, FEED_LIMIT);
      const name = request.t('participation.meetings.calendar.process', { process: plain(request, process.title) });
      return sendCalendar(
        reply,
        calendar(
          name,
          meetings.map((meeting) => meetingEvent(request, meeting)),
          new Date(),
          'Meetings',
        ),
        `${process.slug}-meetings.ics`,
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/meetings/:id/calendar.ics',
    { schema: { hide: true } },
    async (request, reply) => {
      const meeting = await findMeeting(
        ctx.db,
        request.organisation.id,
        pathId(request.params.id, 'MEETING_NOT_FOUND'),
      );
      if (!meeting) throw new AppError('MEETING_NOT_FOUND');
      const event = meetingEvent(request, meeting);
      return sendCalendar(reply, calendar(event.title, [event], new Date(), 'Meetings'), `meeting-${meeting.id}.ics`);
    },
  );
}

import { zonedTime } from '../../../platform/i18n/days.ts';
import { httpUrl } from '../../../platform/validation.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { findMeeting, findMeetings, isRegistered, proposalsOfProcess } from '../meetings.repository.ts';
import { authorizeParticipation, mayParticipation } from '../participation.policy.ts';
import { findProcess, findProcessBySlug, type Process } from '../processes.repository.ts';
import {
  cancelRegistration,
  createMeeting,
  publishMinutes,
  registerForMeeting,
  updateMeeting,
  type MeetingInput,
} from '../use-cases/meetings.ts';
import { eligibilityBlocker } from '../use-cases/shared.ts';
import { blockerNotice } from './components/blocker-notice.ts';
import { meetingList, placesLeft, when } from './components/meeting-card.ts';
import { invalidForm, parseId, readForm, translatedValue, withNumbersAsNaN } from '../../../platform/web/forms.ts';
import { MeetingForm, MeetingRegistrationForm, MinutesForm } from '../participation.forms.ts';
import { messages, paragraphs, pathId, plain, stylesheet, translated } from './shared.ts';
import { translatedInputs } from '../../../platform/web/components/translated-inputs.ts';
import { meetingForm } from './meetings.view.ts';

function meetingFromForm(request: FastifyRequest): MeetingInput {
  const { languages, timeZone } = request.organisation;
  const schema = MeetingForm(languages);
  const form = withNumbersAsNaN(schema, readForm(schema, request.body));
  return {
    title: translatedValue(form, 'title', languages),
    description: translatedValue(form, 'description', languages),
    startsAt: zonedTime(form.startsOn, form.startTime, timeZone),
    endsAt: zonedTime(form.startsOn, form.endTime, timeZone),
    address: form.address,
    lat: form.lat ?? null,
    lng: form.lng ?? null,
    onlineUrl: form.onlineUrl,
    capacity: form.capacity ?? Number.NaN,
    proposalIds: form.proposalIds
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map((id) => parseId(id) ?? -1),
  };
}

/**
 * Meetings: the list of a process's meetings, each meeting's page with the form to register or cancel
 * (CSRF-protected, without JavaScript), and the staff pages to announce, change and write the minutes.
 */
export function registerMeetingPages(app: App, ctx: AppContext): void {
  app.get<{ Params: { slug: string } }>('/processes/:slug/meetings', async (request, reply) => {
    const { t, organisation } = request;
    const process = await findProcessBySlug(ctx.db, organisation.id, request.params.slug);
    if (!process) throw new AppError('PROCESS_NOT_FOUND');
    const meetings = await findMeetings(ctx.db, organisation.id, process.id);
    const title = `${t('participation.part.meetings')} — ${plain(request, process.title)}`;
    return renderPage(request, reply, {
      title,
      description: t('participation.meetings.lead'),
      main: html`${stylesheet()}<p><a href="/processes/${process.slug}">${translated(request, process.title)}</a></p>
<h1>${t('participation.part.meetings')}</h1>
<p>${t('participation.meetings.lead')}</p>
${mayParticipation(request.viewer, 'manage-processes') ? html`<p><a href="/admin/participation/processes/${process.id}/meetings">${t('participation.meetings.manage')}</a></p>` : ''}
<p><a href="/processes/${process.slug}/meetings.ics" type="text/calendar">${t('participation.meetings.calendar.subscribe')}</a></p>
${meetingList(request, meetings, 2)}`,
    });
  });

  app.get<{ Params: { id: string } }>('/meetings/:id', async (request, reply) =>
    meetingPage(request, reply, pathId(request.params.id, 'MEETING_NOT_FOUND')),
  );

  app.post<{ Params: { id: string } }>('/meetings/:id/registration', async (request, reply) => {
    const id = pathId(request.params.id, 'MEETING_NOT_FOUND');
    const form = readForm(MeetingRegistrationForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const cancel = form.value.register === 'no';
    const outcome = cancel
      ? await cancelRegistration(ctx, request.viewer, request.organisation, id)
      : await registerForMeeting(ctx, request.viewer, request.organisation, id);
    if (!outcome.ok) {
      if (outcome.code === 'AUTHENTICATION_REQUIRED') throw new AppError('AUTHENTICATION_REQUIRED');
      const conflict = outcome.code === 'MEETING_FULL' || outcome.code === 'MEETING_REGISTRATION_CLOSED';
      return meetingPage(
        request,
        reply,
        id,
        { register: request.t(`participation.error.${outcome.code}` as MessageKey) },
        conflict ? 409 : 403,
      );
    }
    setNotice(reply, cancel ? 'participation.meetings.cancelled' : 'participation.meetings.registered');
    return reply.redirect(`/meetings/${id}#registration`, 303);
  });

  async function meetingPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    const { t, organisation, viewer } = request;
    const meeting = await findMeeting(ctx.db, organisation.id, id);
    if (!meeting) throw new AppError('MEETING_NOT_FOUND');
    const process = await findProcess(ctx.db, organisation.id, meeting.processId);
    if (!process) throw new AppError('MEETING_NOT_FOUND');
    const now = new Date();
    const proposals = await proposalsOfProcess(ctx.db, organisation.id, process.id, meeting.proposalIds);
    const registered = viewer ? await isRegistered(ctx.db, meeting.id, viewer.id) : false;
    const open = meeting.startsAt > now;
    const blocker = open && !registered ? await eligibilityBlocker(ctx, viewer, organisation, process, now) : undefined;
    if (viewer) reply.header('cache-control', 'private, no-store');
    const full = meeting.registrations >= meeting.capacity;
    const registration = !open
      ? html`<p>${t('participation.meetings.registrationClosed')}</p>`
      : registered
        ? html`<p><strong>${t('participation.meetings.youAreRegistered')}</strong></p>
<form method="post" action="/meetings/${meeting.id}/registration">${csrfField(request)}<input type="hidden" name="register" value="no"><button type="submit" class="button button--secondary">${t('participation.meetings.cancel')}</button></form>`
        : blocker
          ? blockerNotice(request, blocker)
          : full
            ? html`<p>${t('participation.meetings.full')}</p>`
            : html`<form method="post" action="/meetings/${meeting.id}/registration">${csrfField(request)}<input type="hidden" name="register" value="yes"><button type="submit" class="button">${t('participation.meetings.register')}</button></form>`;
    return renderPage(request, reply, {
      title: plain(request, meeting.title),
      description: plain(request, meeting.description).slice(0, 200) || t('participation.meetings.lead'),
      status,
      main: html`${stylesheet()}<p><a href="/processes/${process.slug}">${translated(request, process.title)}</a> › <a href="/processes/${process.slug}/meetings">${t('participation.part.meetings')}</a></p>
<h1>${translated(request, meeting.title)}</h1>
${errorSummary(request, errors)}
<dl class="facts">
<dt>${t('participation.meetings.when')}</dt><dd>${when(request, meeting)}</dd>
${meeting.address ? html`<dt>${t('participation.meetings.address')}</dt><dd>${meeting.address}${meeting.lat !== null && meeting.lng !== null ? html` (<a href="https://www.openstreetmap.org/?mlat=${meeting.lat}&amp;mlon=${meeting.lng}#map=18/${meeting.lat}/${meeting.lng}" rel="noopener">${t('participation.meetings.onMap')}</a>)` : ''}</dd>` : ''}
${httpUrl(meeting.onlineUrl) ? html`<dt>${t('participation.meetings.online')}</dt><dd><a href="${httpUrl(meeting.onlineUrl)}" rel="noopener">${meeting.onlineUrl}</a></dd>` : ''}
<dt>${t('participation.meetings.capacity')}</dt><dd>${placesLeft(request, meeting)}</dd>
</dl>
<p><a href="/meetings/${meeting.id}/calendar.ics" type="text/calendar">${t('participation.meetings.calendar.add')}</a></p>
${paragraphs(request, meeting.description)}
${proposals.length > 0 ? html`<section aria-labelledby="meeting-proposals"><h2 id="meeting-proposals">${t('participation.meetings.discusses')}</h2><ul>${proposals.map((p) => html`<li><a href="/proposals/${p.id}">${p.title}</a></li>`)}</ul></section>` : ''}
<section aria-labelledby="registration" class="card"><h2 id="registration">${t('participation.meetings.registration')}</h2>
${errors.register ? html`<p class="field__error" id="register">${errors.register}</p>` : ''}
${registration}</section>
<section aria-labelledby="minutes"><h2 id="minutes">${t('participation.meetings.minutes')}</h2>
${meeting.minutes && meeting.minutesPublishedAt ? html`<p class="muted">${t('participation.meetings.minutesOn', { date: formatDate(request, meeting.minutesPublishedAt) })}</p>${paragraphs(request, meeting.minutes)}` : html`<p>${t('participation.meetings.noMinutes')}</p>`}</section>
${mayParticipation(viewer, 'manage-processes') ? html`<p><a href="/admin/participation/meetings/${meeting.id}">${t('participation.meetings.edit')}</a></p>` : ''}`,
    });
  }

  // ---- staff ----

  function adminPage(
    request: FastifyRequest,
    reply: FastifyReply,
    process: Process,
    title: string,
    main: Html,
    status: number,
  ) {
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title,
      noIndex: true,
      status,
      main: html`${stylesheet()}<p><a href="/admin">${request.t('site.admin')}</a> › <a href="/admin/participation">${request.t('participation.admin.title')}</a> › <a href="/admin/participation/processes/${process.id}">${translated(request, process.title)}</a></p>${main}`,
    });
  }

  async function requireProcess(request: FastifyRequest, id: number): Promise<Process> {
    const process = await findProcess(ctx.db, request.organisation.id, id);
    if (!process) throw new AppError('PROCESS_NOT_FOUND');
    return process;
  }

  async function processMeetingsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    processId: number,
    values: Partial<MeetingInput>,
    errors: Record<string, string>,
  ) {
    const { t } = request;
    const process = await requireProcess(request, processId);
    const meetings = await findMeetings(ctx.db, request.organisation.id, process.id);
    return adminPage(
      request,
      reply,
      process,
      t('participation.meetings.manage'),
      html`<h1>${t('participation.meetings.manage')}</h1>
${meetings.length === 0 ? html`<p>${t('participation.meetings.none')}</p>` : html`<ul>${meetings.map((m) => html`<li><a href="/admin/participation/meetings/${m.id}">${translated(request, m.title)}</a> — ${formatDate(request, m.startsAt, true)} — ${t('participation.meetings.registrations', { count: m.registrations, capacity: m.capacity })}</li>`)}</ul>`}
<h2>${t('participation.meetings.new')}</h2>
${errorSummary(request, errors)}
${meetingForm(request, `/admin/participation/processes/${process.id}/meetings`, values, errors)}`,
      Object.keys(errors).length ? 400 : 200,
    );
  }

  app.get<{ Params: { id: string } }>('/admin/participation/processes/:id/meetings', async (request, reply) => {
    authorizeParticipation(request.viewer, 'manage-processes');
    return processMeetingsPage(request, reply, pathId(request.params.id, 'PROCESS_NOT_FOUND'), {}, {});
  });

  app.post<{ Params: { id: string } }>('/admin/participation/processes/:id/meetings', async (request, reply) => {
    const processId = pathId(request.params.id, 'PROCESS_NOT_FOUND');
    const input = meetingFromForm(request);
    const outcome = await createMeeting(ctx, request.viewer, request.organisation, processId, input);
    if (!outcome.ok) return processMeetingsPage(request, reply, processId, input, messages(request, outcome.fields));
    setNotice(reply, 'participation.admin.saved');
    return reply.redirect(`/admin/participation/meetings/${outcome.id}`, 303);
  });

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    errors: { meeting?: Record<string, string>; minutes?: Record<string, string> } = {},
    values?: MeetingInput,
    minutes?: Record<string, string>,
  ) {
    const { t } = request;
    const meeting = await findMeeting(ctx.db, request.organisation.id, id);
    if (!meeting) throw new AppError('MEETING_NOT_FOUND');
    const process = await requireProcess(request, meeting.processId);
    const held = meeting.startsAt <= new Date();
    return adminPage(
      request,
      reply,
      process,
      plain(request, meeting.title),
      html`<h1>${translated(request, meeting.title)}</h1>
<p><a href="/meetings/${meeting.id}">${t('participation.admin.publicPage')}</a> · <a href="/admin/participation/processes/${process.id}/meetings">${t('participation.meetings.manage')}</a></p>
<p>${t('participation.meetings.registrations', { taken: meeting.registrations, count: meeting.capacity })}</p>
${errorSummary(request, { ...errors.meeting, ...errors.minutes })}
<h2>${t('participation.meetings.minutes')}</h2>
${
  held
    ? html`<form method="post" action="/admin/participation/meetings/${meeting.id}/minutes" class="stack" novalidate>${csrfField(request)}
${translatedInputs(request, 'minutes', 'participation.meetings.minutes', minutes ?? meeting.minutes ?? {}, errors.minutes ?? {}, true)}
<button type="submit" class="button">${t('participation.meetings.publishMinutes')}</button></form>`
    : html`<p>${t('participation.error.MEETING_NOT_HELD_YET')}</p>`
}
<h2>${t('participation.meetings.edit')}</h2>
${meetingForm(request, `/admin/participation/meetings/${meeting.id}`, values ?? meeting, errors.meeting ?? {})}`,
      errors.meeting || errors.minutes ? 400 : 200,
    );
  }

  app.get<{ Params: { id: string } }>('/admin/participation/meetings/:id', async (request, reply) => {
    authorizeParticipation(request.viewer, 'manage-processes');
    return editPage(request, reply, pathId(request.params.id, 'MEETING_NOT_FOUND'));
  });

  app.post<{ Params: { id: string } }>('/admin/participation/meetings/:id', async (request, reply) => {
    const id = pathId(request.params.id, 'MEETING_NOT_FOUND');
    const input = meetingFromForm(request);
    const outcome = await updateMeeting(ctx, request.viewer, request.organisation, id, input);
    if (!outcome.ok) return editPage(request, reply, id, { meeting: messages(request, outcome.fields) }, input);
    setNotice(reply, 'participation.admin.saved');
    return reply.redirect(`/admin/participation/meetings/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/participation/meetings/:id/minutes', async (request, reply) => {
    const id = pathId(request.params.id, 'MEETING_NOT_FOUND');
    const form = readForm(MinutesForm(request.organisation.languages), request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const minutes = translatedValue(form.value, 'minutes', request.organisation.languages);
    const outcome = await publishMinutes(ctx, request.viewer, request.organisation, id, minutes);
    if (!outcome.ok) {
      const errors =
        outcome.code === 'MEETING_NOT_HELD_YET'
          ? {
              [`minutes_${request.organisation.defaultLanguage}`]: request.t(
                'participation.error.MEETING_NOT_HELD_YET',
              ),
            }
          : messages(request, outcome.fields);
      return editPage(request, reply, id, { minutes: errors }, undefined, minutes);
    }
    setNotice(reply, 'participation.meetings.minutesSaved');
    return reply.redirect(`/meetings/${id}#minutes`, 303);
  });
}

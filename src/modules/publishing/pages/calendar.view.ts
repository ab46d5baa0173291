import type { FastifyReply, FastifyRequest } from 'fastify';
import { dateFormat } from '../../../platform/i18n/format.ts';
import { dayIn, wallClockAt } from '../../../platform/i18n/days.ts';
import { LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localizedWithLanguage, type MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, renderPage } from '../../../platform/web/layout.ts';
import type { Blackout, CalendarPost } from '../calendar.repository.ts';
import type { CalendarData } from '../calendar.use-cases.ts';

export type CalendarView = 'month' | 'week' | 'agenda';

export interface CalendarQuery {
  view: CalendarView;
  /** The day the view is built around (YYYY-MM-DD, city time zone). */
  date: string;
  department?: string | undefined;
  campaign?: string | undefined;
  channel?: string | undefined;
}

/** The days shown: a month grid (Monday to Sunday weeks), a week, or the agenda's four weeks. */
export interface CalendarLayout {
  days: string[];
  /** The month shown, for the month view (YYYY-MM). */
  month?: string;
  previous: string;
  next: string;
}

export interface MoveProblem {
  postId: number;
  message: string;
  value: string;
}

export function addDays(day: string, count: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + count)).toISOString().slice(0, 10);
}

/** Monday = 0 … Sunday = 6. */
function weekday(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

export function calendarLayout(query: CalendarQuery): CalendarLayout {
  if (query.view === 'week') {
    const monday = addDays(query.date, -weekday(query.date));
    return {
      days: Array.from({ length: 7 }, (_, i) => addDays(monday, i)),
      previous: addDays(monday, -7),
      next: addDays(monday, 7),
    };
  }
  if (query.view === 'agenda') {
    return {
      days: Array.from({ length: 28 }, (_, i) => addDays(query.date, i)),
      previous: addDays(query.date, -28),
      next: addDays(query.date, 28),
    };
  }
  const first = `${query.date.slice(0, 7)}-01`;
  const nextMonth = addDays(first, 32).slice(0, 7);
  const last = addDays(`${nextMonth}-01`, -1);
  const start = addDays(first, -weekday(first));
  const end = addDays(last, 6 - weekday(last));
  const days: string[] = [];
  for (let day = start; day <= end; day = addDays(day, 1)) days.push(day);
  return {
    days,
    month: query.date.slice(0, 7),
    previous: `${addDays(first, -1).slice(0, 7)}-01`,
    next: `${nextMonth}-01`,
  };
}

function locale(request: FastifyRequest): string {
  return LANGUAGES[request.lang].locale.replace('_', '-');
}

function calendarHref(query: CalendarQuery, change: Partial<CalendarQuery>): string {
  const merged = { ...query, ...change };
  const params = new URLSearchParams({ view: merged.view, date: merged.date });
  for (const key of ['department', 'campaign', 'channel'] as const) {
    const value = merged[key];
    if (value) params.set(key, value);
  }
  return `/staff/publishing/calendar?${params.toString()}`;
}

/** The value of a datetime-local field for an instant, in the city's time zone. */
export function localDateTime(at: Date, timeZone: string): string {
  const c = wallClockAt(at, timeZone);
  return `${c.year.padStart(4, '0')}-${c.month}-${c.day}T${c.hour}:${c.minute}`;
}

function channelName(request: FastifyRequest, labels: Map<string, MessageKey>, kind: string): string {
  const label = labels.get(kind);
  return label ? request.t(label) : kind;
}

function postItem(
  request: FastifyRequest,
  post: CalendarPost,
  labels: Map<string, MessageKey>,
  options: { query: CalendarQuery; move?: boolean; problem?: MoveProblem | undefined },
): Html {
  const { t, organisation } = request;
  const time = dateFormat(locale(request), { timeStyle: 'short', timeZone: organisation.timeZone }).format(post.at);
  const lang = post.titleLanguage === request.lang ? html`` : html` lang="${post.titleLanguage}"`;
  const channels = post.channels.map((kind) => channelName(request, labels, kind)).join(', ');
  const movable = ['draft', 'in_review', 'changes_requested', 'approved', 'scheduled'].includes(post.state);
  const field = `move-${post.id}`;
  const problem = options.problem?.postId === post.id ? options.problem : undefined;
  return html`<li class="calendar__post calendar__post--${post.state}" id="post-${post.id}">
  <time datetime="${post.at.toISOString()}">${time}</time>
  <a href="/staff/publishing/posts/${post.id}"${lang}>${post.title}</a>
  <span class="tag">${t(`publishing.calendar.state.${post.state}`)}</span>
  ${channels ? html`<span class="muted">${t('publishing.calendar.channels', { channels })}</span>` : ''}
  ${
    movable && options.move
      ? html`<form method="post" action="/staff/publishing/calendar/posts/${post.id}/move" class="calendar__move">
    ${csrfField(request)}
    <input type="hidden" name="back" value="${calendarHref(options.query, {})}">
    <div class="field${problem ? ' field--error' : ''}">
      <label for="${field}">${t('publishing.calendar.move.label')}<span class="visually-hidden">: ${post.title}</span></label>
      ${problem ? html`<p class="field__error" id="${field}-error">${problem.message}</p>` : ''}
      <input type="datetime-local" id="${field}" name="at" required value="${problem?.value ?? localDateTime(post.at, organisation.timeZone)}"${
        problem ? raw(` aria-invalid="true" aria-describedby="${field}-error"`) : ''
      }>
    </div>
    <button type="submit" class="button button--small">${t('publishing.calendar.move.submit')}</button>
  </form>`
      : movable
        ? html`<a href="${calendarHref(options.query, { view: 'agenda', date: dayIn(post.at, organisation.timeZone) })}#post-${post.id}">${t('publishing.calendar.move.link')}<span class="visually-hidden">: ${post.title}</span></a>`
        : ''
  }
</li>`;
}

function blackoutNote(request: FastifyRequest, blackouts: Blackout[]): Html {
  if (blackouts.length === 0) return html``;
  return html`${blackouts.map((blackout) => {
    const reason = localizedWithLanguage(blackout.reason, request.lang, request.organisation.defaultLanguage);
    return html`<p class="calendar__blackout"><strong>${request.t('publishing.calendar.blackout')}</strong> <span${reason.lang === request.lang ? '' : html` lang="${reason.lang}"`}>${reason.text}</span></p>`;
  })}`;
}

function blackoutsOn(day: string, blackouts: Blackout[], timeZone: string): Blackout[] {
  return blackouts.filter(
    (b) => dayIn(b.startsAt, timeZone) <= day && dayIn(new Date(b.endsAt.getTime() - 1), timeZone) >= day,
  );
}

function filtersForm(
  request: FastifyRequest,
  data: CalendarData,
  query: CalendarQuery,
  labels: Map<string, MessageKey>,
): Html {
  const { t } = request;
  const name = (value: Record<string, string>) =>
    localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage).text;
  const select = (id: keyof CalendarQuery, label: MessageKey, options: Array<[string, string]>) =>
    html`<div class="field"><label for="filter-${id}">${t(label)}</label><select id="filter-${id}" name="${id}">${options.map(
      ([value, text]) =>
        html`<option value="${value}"${query[id] === value || (!query[id] && !value) ? raw(' selected') : ''}>${text}</option>`,
    )}</select></div>`;
  return html`<form method="get" action="/staff/publishing/calendar" class="calendar__filters">
  ${select('view', 'publishing.calendar.filter.view', [
    ['month', t('publishing.calendar.view.month')],
    ['week', t('publishing.calendar.view.week')],
    ['agenda', t('publishing.calendar.view.agenda')],
  ])}
  <div class="field"><label for="filter-date">${t('publishing.calendar.filter.date')}</label><input type="date" id="filter-date" name="date" value="${query.date}"></div>
  ${select('department', 'publishing.calendar.filter.department', [['', t('publishing.calendar.filter.all')], ...data.departments.map((d): [string, string] => [d.slug, name(d.name)])])}
  ${select('channel', 'publishing.calendar.filter.channel', [['', t('publishing.calendar.filter.all')], ...data.channels.map((kind): [string, string] => [kind, channelName(request, labels, kind)])])}
  ${select('campaign', 'publishing.calendar.filter.campaign', [['', t('publishing.calendar.filter.all')], ...data.campaigns.map((c): [string, string] => [c.slug, name(c.name)])])}
  <button type="submit" class="button">${t('publishing.calendar.filter.submit')}</button>
</form>`;
}

/** The editorial calendar: month or week as a table with headers, or the agenda as a list with move forms. */
export function calendarView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: CalendarData,
  query: CalendarQuery,
  labels: Map<string, MessageKey>,
  problem?: MoveProblem,
): FastifyReply {
  const { t, organisation } = request;
  const timeZone = organisation.timeZone;
  const layout = calendarLayout(query);
  const byDay = new Map<string, CalendarPost[]>();
  for (const post of data.posts) {
    const day = dayIn(post.at, timeZone);
    byDay.set(day, [...(byDay.get(day) ?? []), post]);
  }
  const dayLabel = (day: string, style: 'long' | 'short') =>
    dateFormat(locale(request), {
      timeZone: 'UTC',
      ...(style === 'long' ? { weekday: 'long', day: 'numeric', month: 'long' } : { day: 'numeric' }),
    }).format(new Date(`${day}T12:00:00Z`));
  const posts = (day: string, move: boolean) => {
    const list = byDay.get(day) ?? [];
    const hidden = (data.perDay.get(day) ?? 0) - list.length;
    return html`${blackoutNote(request, blackoutsOn(day, data.blackouts, timeZone))}${
      list.length || hidden > 0
        ? html`<ul class="calendar__posts">${list.map((post) => postItem(request, post, labels, { query, move, problem }))}${
            hidden > 0
              ? html`<li class="calendar__more"><a href="${calendarHref(query, { view: 'agenda', date: day })}">${t('publishing.calendar.more', { count: hidden })}<span class="visually-hidden">: ${dayLabel(day, 'long')}</span></a></li>`
              : ''
          }</ul>`
        : ''
    }`;
  };
  const title =
    query.view === 'month'
      ? dateFormat(locale(request), { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(
          new Date(`${query.date.slice(0, 7)}-15T12:00:00Z`),
        )
      : t('publishing.calendar.range', {
          from: dayLabel(layout.days[0] ?? query.date, 'long'),
          to: dayLabel(layout.days.at(-1) ?? query.date, 'long'),
        });
  const weekdays = layout.days.slice(0, 7).map((day) => ({
    long: dateFormat(locale(request), { timeZone: 'UTC', weekday: 'long' }).format(new Date(`${day}T12:00:00Z`)),
    short: dateFormat(locale(request), { timeZone: 'UTC', weekday: 'short' }).format(new Date(`${day}T12:00:00Z`)),
  }));
  let body: Html;
  if (query.view === 'agenda') {
    // whole days up to the agenda's limit: the days after the last one shown come on the next page
    const cut = data.posts.length < data.total ? data.posts.at(-1) : undefined;
    const lastShown = cut ? dayIn(cut.at, timeZone) : undefined;
    const days = layout.days.filter(
      (day) =>
        (lastShown === undefined || day <= lastShown) &&
        (byDay.has(day) || blackoutsOn(day, data.blackouts, timeZone).length),
    );
    const later = lastShown
      ? html`<p class="calendar__later"><a href="${calendarHref(query, { date: addDays(lastShown, 1) })}">${t('publishing.calendar.later', { count: data.total - data.posts.length })}</a></p>`
      : '';
    body = days.length
      ? html`<ol class="calendar__agenda">${days.map(
          (day) => html`<li><h2>${dayLabel(day, 'long')}</h2>${posts(day, true)}</li>`,
        )}</ol>${later}`
      : html`<p>${t('publishing.calendar.empty')}</p>`;
  } else {
    const weeks: string[][] = [];
    for (let i = 0; i < layout.days.length; i += 7) weeks.push(layout.days.slice(i, i + 7));
    body = html`<table class="calendar__grid">
  <caption>${title}</caption>
  <thead><tr>${weekdays.map((d) => html`<th scope="col"><abbr title="${d.long}">${d.short}</abbr></th>`)}</tr></thead>
  <tbody>${weeks.map(
    (week) =>
      html`<tr>${week.map((day) => {
        const outside = layout.month !== undefined && !day.startsWith(layout.month);
        return html`<td${outside ? raw(' class="calendar__outside"') : ''}><p class="calendar__day"><span aria-hidden="true">${dayLabel(day, 'short')}</span><span class="visually-hidden">${dayLabel(day, 'long')}</span></p>${posts(day, false)}</td>`;
      })}</tr>`,
  )}</tbody>
</table>`;
  }
  return renderPage(request, reply, {
    title: t('publishing.calendar.title'),
    noIndex: true,
    status: problem ? 409 : 200,
    main: html`<h1>${t('publishing.calendar.title')}</h1>
${problem ? html`<div class="error-summary" role="alert" tabindex="-1"><h2>${t('form.errors.title')}</h2><ul><li><a href="#move-${problem.postId}">${problem.message}</a></li></ul></div>` : ''}
<nav aria-label="${t('publishing.calendar.views')}"><ul class="calendar__views">${(
      ['month', 'week', 'agenda'] as const
    ).map(
      (view) =>
        html`<li><a href="${calendarHref(query, { view })}"${view === query.view ? raw(' aria-current="page"') : ''}>${t(`publishing.calendar.view.${view}`)}</a></li>`,
    )}<li><a href="/staff/publishing/blackouts">${t('publishing.calendar.blackouts.title')}</a></li></ul></nav>
${filtersForm(request, data, query, labels)}
<h2 id="calendar-period">${title}</h2>
<p><a href="${calendarHref(query, { date: layout.previous })}">${t('publishing.calendar.previous')}</a> · <a href="${calendarHref(query, { date: layout.next })}">${t('publishing.calendar.next')}</a></p>
<p>${t('publishing.calendar.count', { count: data.total })}</p>
${body}`,
  });
}

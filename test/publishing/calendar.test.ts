import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkBlackout } from '../../src/modules/publishing/index.ts';
import { dayIn, zonedTime } from '../../src/platform/i18n/days.ts';
import { addDays } from '../../src/modules/publishing/pages/calendar.view.ts';
import type { TestClient } from '../support/client.ts';
import { firstOrganisationId, signedInClient } from '../support/factories.ts';
import { buildCampaign, buildDestination, buildPost } from '../support/publishing-posts.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The editorial calendar through real HTTP: who may see it, what month, week and agenda show (state in
// words, blackouts), the filters, moving a post with a date and time field, blackout periods and their
// stable codes.
let server: TestServer;
let organisationId: number;
let timeZone: string;
let staff: TestClient;
let admin: TestClient;
let departmentId: number;
let departmentSlug: string;
let campaignSlug: string;
const DAY = 86_400_000;
/** A day some weeks ahead, in the city's time zone. */
let futureDay: string;

before(async () => {
  server = await startTestServer();
  organisationId = await firstOrganisationId(server);
  const city = await server.organisations.findById(organisationId);
  assert.ok(city);
  timeZone = city.timeZone;
  staff = (await signedInClient(server, { role: 'staff' })).client;
  admin = (await signedInClient(server, { role: 'admin' })).client;
  const department = await server.ctx.db
    .insertInto('core_department')
    .values({ organisation_id: organisationId, slug: `parks-${Date.now()}`, name: JSON.stringify({ en: 'Parks' }) })
    .returning(['id', 'slug'])
    .executeTakeFirstOrThrow();
  departmentId = department.id;
  departmentSlug = department.slug;
  campaignSlug = (await buildCampaign(server, organisationId, { name: { en: 'Spring' } })).slug;
  futureDay = dayIn(new Date(Date.now() + 40 * DAY), timeZone);
});
after(() => server.close());

const calendar = (query: string) => `/staff/publishing/calendar?${query}`;

test('residents and visitors cannot open the calendar or the blackout periods', async () => {
  const resident = (await signedInClient(server)).client;
  for (const path of [calendar('view=month'), '/staff/publishing/blackouts']) {
    assert.equal((await resident.get(path)).status, 403, path);
    assert.notEqual((await fetch(`${server.url}${path}`, { redirect: 'manual' })).status, 200, path);
  }
  const refused = await resident.submit('/news', '/staff/publishing/blackouts', {
    firstDay: futureDay,
    lastDay: futureDay,
    reason_en: 'x',
  });
  assert.equal(refused.status, 403);
});

test('month, week and agenda show planned and published posts with their state in words', async () => {
  const at = zonedTime(futureDay, '09:30', timeZone);
  const web = await buildDestination(server, organisationId, 'mastodon');
  const campaign = await server.ctx.db
    .selectFrom('publishing_campaign')
    .select('id')
    .where('slug', '=', campaignSlug)
    .executeTakeFirstOrThrow();
  const planned = await buildPost(server, organisationId, {
    state: 'scheduled',
    scheduledAt: at,
    departmentId,
    campaignId: campaign.id,
    destinationIds: [web],
    texts: { en: { title: 'Tree planting <day>', body: 'x' } },
  });
  await buildPost(server, organisationId, {
    state: 'in_review',
    scheduledAt: new Date(at.getTime() + 3600_000),
    texts: { en: { title: 'Unfiled review', body: 'y' } },
  });
  const month = await staff.page(calendar(`view=month&date=${futureDay}`));
  assert.equal(month.response.status, 200);
  assert.match(month.html, /<table class="calendar__grid">/);
  assert.equal((month.html.match(/<th scope="col">/g) ?? []).length, 7, 'a header per weekday');
  assert.match(month.html, new RegExp(`<a href="/staff/publishing/posts/${planned.id}">Tree planting &lt;day&gt;</a>`));
  assert.match(month.html, /<span class="tag">Scheduled<\/span>/);
  assert.match(month.html, /<span class="tag">In review<\/span>/);
  assert.match(month.html, /Channels: Mastodon account/);

  const week = await staff.page(calendar(`view=week&date=${futureDay}`));
  assert.match(week.html, /Tree planting/);
  assert.equal((week.html.match(/<td/g) ?? []).length, 7);

  const agenda = await staff.page(calendar(`view=agenda&date=${futureDay}`));
  assert.match(agenda.html, /<ol class="calendar__agenda">/);
  assert.match(
    agenda.html,
    new RegExp(`<input type="datetime-local" id="move-${planned.id}" name="at" required value="${futureDay}T09:30"`),
  );
  assert.match(agenda.html, new RegExp(`<label for="move-${planned.id}">New date and time`));

  const byDepartment = await staff.page(calendar(`view=month&date=${futureDay}&department=${departmentSlug}`));
  assert.match(byDepartment.html, /Tree planting/);
  assert.doesNotMatch(byDepartment.html, /Unfiled review/);
  const byChannel = await staff.page(calendar(`view=month&date=${futureDay}&channel=mastodon`));
  assert.match(byChannel.html, /Tree planting/);
  assert.doesNotMatch(byChannel.html, /Unfiled review/);
  const byOtherChannel = await staff.page(calendar(`view=month&date=${futureDay}&channel=telegram`));
  assert.doesNotMatch(byOtherChannel.html, /Tree planting/);
  const byCampaign = await staff.page(calendar(`view=agenda&date=${futureDay}&campaign=${campaignSlug}`));
  assert.match(byCampaign.html, /Tree planting/);
  assert.doesNotMatch(byCampaign.html, /Unfiled review/);
});

test('a busy day shows its first posts and links the rest to its agenda; the agenda stops after whole days', async () => {
  // 130 posts on one day and 3 the next, written in bulk: the grids must not print them all
  const busyDay = dayIn(new Date(Date.now() + 120 * DAY), timeZone);
  const nextDay = addDays(busyDay, 1);
  const stamp = Date.now();
  const insert = async (day: string, count: number, prefix: string) => {
    const rows = await server.ctx.db
      .insertInto('publishing_post')
      .values(
        Array.from({ length: count }, (_, i) => ({
          organisation_id: organisationId,
          kind: 'post',
          state: 'scheduled' as const,
          slug: `${prefix}-${stamp}-${i}`,
          scheduled_at: zonedTime(
            day,
            `${String(8 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
            timeZone,
          ),
        })),
      )
      .returning('id')
      .execute();
    await server.ctx.db
      .insertInto('publishing_post_text')
      .values(
        rows.map((row, i) => ({
          organisation_id: organisationId,
          post_id: row.id,
          language: 'en',
          title: `${prefix} ${i}`,
          body: 'x',
        })),
      )
      .execute();
  };
  await insert(busyDay, 130, 'Busy');
  await insert(nextDay, 3, 'Calm');
  const shown = (html: string, prefix: string) => (html.match(new RegExp(`>${prefix} \\d+</a>`, 'g')) ?? []).length;

  const month = await staff.page(calendar(`view=month&date=${busyDay}`));
  assert.equal(month.response.status, 200);
  assert.equal(shown(month.html, 'Busy'), 4, 'the month shows four posts of the busy day');
  assert.match(month.html, />Busy 0<\/a>/, 'the earliest first');
  assert.equal(shown(month.html, 'Calm'), 3);
  const more = new RegExp(
    `<li class="calendar__more"><a href="/staff/publishing/calendar\\?view=agenda&amp;date=${busyDay}">126 more<span class="visually-hidden">: `,
  );
  assert.match(month.html, more);
  assert.match(month.html, /\d+ posts in this period\./);

  const week = await staff.page(calendar(`view=week&date=${busyDay}`));
  assert.equal(shown(week.html, 'Busy'), 12, 'the week shows twelve');
  assert.match(week.html, /118 more<span/);

  const agenda = await staff.page(calendar(`view=agenda&date=${busyDay}`));
  assert.equal(shown(agenda.html, 'Busy'), 130, 'a day is never cut');
  assert.equal(shown(agenda.html, 'Calm'), 0, 'the next day comes on the next page');
  assert.match(
    agenda.html,
    new RegExp(
      `<a href="/staff/publishing/calendar\\?view=agenda&amp;date=${nextDay}">Following days: \\d+ more posts in this period</a>`,
    ),
  );
  const following = await staff.page(calendar(`view=agenda&date=${nextDay}`));
  assert.equal(shown(following.html, 'Calm'), 3);
  assert.doesNotMatch(following.html, /calendar__later/);
});

test('bad calendar queries give PUBLISHING_CALENDAR_INVALID, never a server error', async () => {
  for (const query of [
    'view=year',
    'date=2026-02-30',
    'date=tomorrow',
    'department=nowhere',
    'campaign=%3Cx%3E',
    'view=month&view=week',
  ]) {
    const response = await staff.get(calendar(query), { accept: 'application/json' });
    assert.equal(response.status, 400, query);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'PUBLISHING_CALENDAR_INVALID');
  }
});

test('a post moves with the date and time field; the past, published posts and blackouts are refused', async () => {
  const post = await buildPost(server, organisationId, {
    state: 'approved',
    scheduledAt: zonedTime(futureDay, '08:00', timeZone),
    texts: { en: { title: 'To be moved', body: 'x' } },
  });
  const page = calendar(`view=agenda&date=${futureDay}`);
  const target = dayIn(new Date(Date.now() + 45 * DAY), timeZone);
  const moved = await staff.submit(page, `/staff/publishing/calendar/posts/${post.id}/move`, {
    at: `${target}T17:45`,
    back: page,
  });
  assert.equal(moved.status, 303);
  assert.match(moved.headers.get('location') ?? '', new RegExp(`view=agenda&date=${target}#post-${post.id}$`));
  const row = await server.ctx.db
    .selectFrom('publishing_post')
    .select('scheduled_at')
    .where('id', '=', post.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.scheduled_at?.getTime(), zonedTime(target, '17:45', timeZone).getTime());

  const past = await staff.submit(page, `/staff/publishing/calendar/posts/${post.id}/move`, { at: '2020-01-01T10:00' });
  assert.equal(past.status, 409);
  assert.equal(past.headers.get('x-error-code'), 'PUBLISHING_CALENDAR_MOVE_IN_PAST');
  assert.match(await past.text(), /aria-invalid="true"/);
  const garbage = await staff.submit(page, `/staff/publishing/calendar/posts/${post.id}/move`, { at: 'soon' });
  assert.equal(garbage.headers.get('x-error-code'), 'PUBLISHING_CALENDAR_MOVE_INVALID');
  const published = await buildPost(server, organisationId, { onWeb: true });
  const notMovable = await staff.submit(page, `/staff/publishing/calendar/posts/${published.id}/move`, {
    at: `${target}T10:00`,
  });
  assert.equal(notMovable.headers.get('x-error-code'), 'PUBLISHING_CALENDAR_NOT_MOVABLE');
  const missing = await staff.submit(page, '/staff/publishing/calendar/posts/2147483647/move', {
    at: `${target}T10:00`,
  });
  assert.equal(missing.status, 404);

  // a blackout period on the target day: the move is refused, the schedule unchanged
  const blackoutDay = dayIn(new Date(Date.now() + 50 * DAY), timeZone);
  const added = await admin.submit('/staff/publishing/blackouts', '/staff/publishing/blackouts', {
    firstDay: blackoutDay,
    lastDay: blackoutDay,
    reason_en: 'Municipal elections',
  });
  assert.equal(added.status, 303);
  const refused = await staff.submit(page, `/staff/publishing/calendar/posts/${post.id}/move`, {
    at: `${blackoutDay}T23:59`,
  });
  assert.equal(refused.status, 409);
  assert.equal(refused.headers.get('x-error-code'), 'PUBLISHING_BLACKOUT');
  assert.match(await refused.text(), /This time falls in a blackout period/);
  const unchanged = await server.ctx.db
    .selectFrom('publishing_post')
    .select('scheduled_at')
    .where('id', '=', post.id)
    .executeTakeFirstOrThrow();
  assert.equal(unchanged.scheduled_at?.getTime(), zonedTime(target, '17:45', timeZone).getTime());

  // what pub-core's scheduling calls
  const inside = await checkBlackout(server.ctx, organisationId, zonedTime(blackoutDay, '00:00', timeZone));
  assert.equal(inside.ok ? 'ok' : inside.code, 'PUBLISHING_BLACKOUT');
  const dayAfter = dayIn(new Date(Date.now() + 51 * DAY), timeZone);
  assert.deepEqual(await checkBlackout(server.ctx, organisationId, zonedTime(dayAfter, '00:00', timeZone)), {
    ok: true,
  });

  // shown on the calendar
  const month = await staff.page(calendar(`view=month&date=${blackoutDay}`));
  assert.match(month.html, /<strong>Blackout:<\/strong> <span>Municipal elections<\/span>/);
});

test('blackout periods: administrators add and remove them, staff only read, bad periods are refused', async () => {
  const day = dayIn(new Date(Date.now() + 60 * DAY), timeZone);
  const staffAdd = await staff.submit('/staff/publishing/blackouts', '/staff/publishing/blackouts', {
    firstDay: day,
    lastDay: day,
    reason_en: 'Mourning',
  });
  assert.equal(staffAdd.status, 403);
  const backwards = await admin.submit('/staff/publishing/blackouts', '/staff/publishing/blackouts', {
    firstDay: day,
    lastDay: dayIn(new Date(Date.now() + 55 * DAY), timeZone),
    reason_en: 'Mourning',
  });
  assert.equal(backwards.status, 400);
  assert.equal(backwards.headers.get('x-error-code'), 'PUBLISHING_BLACKOUT_INVALID');
  const noReason = await admin.submit('/staff/publishing/blackouts', '/staff/publishing/blackouts', {
    firstDay: day,
    lastDay: day,
    reason_en: '  ',
  });
  assert.equal(noReason.status, 400);
  const notADay = await admin.submit('/staff/publishing/blackouts', '/staff/publishing/blackouts', {
    firstDay: '2026-13-01',
    lastDay: day,
    reason_en: 'x',
  });
  assert.equal(notADay.status, 400);
  assert.equal(
    (
      await admin.submit('/staff/publishing/blackouts', '/staff/publishing/blackouts', {
        firstDay: day,
        lastDay: day,
        reason_en: 'Day of mourning',
      })
    ).status,
    303,
  );
  const list = await staff.page('/staff/publishing/blackouts');
  assert.match(list.html, /Day of mourning/);
  assert.doesNotMatch(list.html, /\/delete"/, 'staff see no remove button');
  const row = await server.ctx.db
    .selectFrom('publishing_blackout')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.equal(
    (await staff.submit('/staff/publishing/calendar', `/staff/publishing/blackouts/${row.id}/delete`, {})).status,
    403,
  );
  const removed = await admin.submit('/staff/publishing/blackouts', `/staff/publishing/blackouts/${row.id}/delete`, {});
  assert.equal(removed.status, 303);
  assert.doesNotMatch((await staff.page('/staff/publishing/blackouts')).html, /Day of mourning/);
  const again = await admin.submit('/staff/publishing/blackouts', `/staff/publishing/blackouts/${row.id}/delete`, {});
  assert.equal(again.status, 404);
  const audit = await server.ctx.db
    .selectFrom('core_audit_log')
    .select('action')
    .where('subject_type', '=', 'publishing_blackout')
    .execute();
  assert.ok(audit.some((a) => a.action === 'publishing.blackout.removed'));
});

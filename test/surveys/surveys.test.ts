import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../support/client.ts';
import { type buildUser, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Surveys through real HTTP and the real database: staff build a survey with the no-JavaScript pages
 * (settings, questions of every kind, options, matrix rows, a condition, order), residents answer once
 * (conditions and limits judged on the server, one response per person even when racing), anonymity
 * (no column leads from an answer to its person), eligibility, dates, results (public counts, staff free
 * texts), the CSV export and the API read.
 */

let server: TestServer;
let staff: TestClient;

before(async () => {
  server = await startTestServer();
  staff = (await signedInClient(server, { role: 'staff' })).client;
});
after(() => server.close());

/** Posts a staff form (the CSRF token taken from the page the form is on) and expects a redirect. */
async function staffPost(page: string, action: string, fields: Record<string, string>, status = 303) {
  const response = await staff.submit(page, action, fields);
  if (response.status !== status) assert.fail(`${action}: ${response.status} ${await response.text()}`);
  return response;
}

function idFrom(response: Response, pattern: RegExp): number {
  const match = pattern.exec(response.headers.get('location') ?? '');
  assert.ok(match, `redirect ${response.headers.get('location')}`);
  return Number(match[1]);
}

interface Built {
  id: number;
  visits: number;
  yes: number;
  no: number;
  which: number;
  parks: number[];
  wishes: number;
  wishOptions: number[];
  rank: number;
  rankOptions: number[];
  grid: number;
  gridColumns: number[];
  gridRows: number[];
  text: number;
  count: number;
  day: number;
}

/** Builds a survey through the staff pages only (what a browser without JavaScript sends). */
async function buildSurvey(settings: Record<string, string> = {}): Promise<Built> {
  const created = await staffPost('/admin/surveys', '/admin/surveys', {
    title_en: 'Parks survey',
    description_en: 'About parks.',
    eligibilityLevel: 'email',
    anonymous: 'yes',
    resultsPublic: 'yes',
    published: 'yes',
    ...settings,
  });
  const id = idFrom(created, /\/admin\/surveys\/(\d+)$/);
  const page = `/admin/surveys/${id}`;
  const question = async (kind: string, title: string, extra: Record<string, string> = {}) =>
    idFrom(await staffPost(page, `${page}/questions`, { question_en: title, kind, ...extra }), /\/questions\/(\d+)$/);
  const choice = async (questionId: number, label: string, role = 'option') => {
    const questionPage = `${page}/questions/${questionId}`;
    await staffPost(questionPage, `${questionPage}/choices`, {
      role,
      [role === 'row' ? 'rowLabel_en' : 'label_en']: label,
    });
    const row = await server.ctx.db
      .selectFrom('surveys_choice')
      .select('id')
      .where('question_id', '=', questionId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const visits = await question('single', 'Do you visit parks?', { required: 'yes' });
  const yes = await choice(visits, 'Yes');
  const no = await choice(visits, 'No');
  const which = await question('single', 'Which park?', { required: 'yes', condition: `${visits}:${yes}` });
  const parks = [await choice(which, 'Harbour'), await choice(which, 'River')];
  const wishes = await question('multiple', 'What do parks need?', { minChoices: '1', maxChoices: '2' });
  const wishOptions = [await choice(wishes, 'Shade'), await choice(wishes, 'Benches'), await choice(wishes, 'Water')];
  const rank = await question('ranking', 'Rank these');
  const rankOptions = [await choice(rank, 'Trees'), await choice(rank, 'Lights')];
  const grid = await question('matrix', 'How satisfied are you with…');
  const gridColumns = [await choice(grid, 'Happy'), await choice(grid, 'Unhappy')];
  const gridRows = [await choice(grid, 'Cleanliness', 'row'), await choice(grid, 'Safety', 'row')];
  const text = await question('long_text', 'One idea');
  const count = await question('number', 'Minutes to walk', { minValue: '0', maxValue: '120' });
  const day = await question('date', 'Last visit');
  return {
    id,
    visits,
    yes,
    no,
    which,
    parks,
    wishes,
    wishOptions,
    rank,
    rankOptions,
    grid,
    gridColumns,
    gridRows,
    text,
    count,
    day,
  };
}

/** A full, valid set of answers. */
function answers(s: Built, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    [`q${s.visits}`]: String(s.yes),
    [`q${s.which}`]: String(s.parks[0]),
    [`q${s.wishes}`]: [String(s.wishOptions[0]), String(s.wishOptions[1])],
    [`q${s.rank}_${s.rankOptions[0]}`]: '2',
    [`q${s.rank}_${s.rankOptions[1]}`]: '1',
    [`q${s.grid}_${s.gridRows[0]}`]: String(s.gridColumns[0]),
    [`q${s.grid}_${s.gridRows[1]}`]: String(s.gridColumns[1]),
    [`q${s.text}`]: 'More "shade", please,\nand benches',
    [`q${s.count}`]: '12',
    [`q${s.day}`]: '2026-05-01',
    ...overrides,
  };
}

/** Posts answers as the browser's form does (lists as repeated fields). */
async function answer(client: TestClient, surveyId: number, fields: Record<string, string | string[]>) {
  const { csrf } = await client.page(`/surveys/${surveyId}`);
  const body = new URLSearchParams({ _csrf: csrf });
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return client.request('POST', `/surveys/${surveyId}`, {
    body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

async function resident(overrides: Parameters<typeof buildUser>[1] = {}) {
  return signedInClient(server, overrides);
}

describe('building a survey without JavaScript', () => {
  test('staff add, order and edit questions, options, rows and a condition; residents see the form', async () => {
    const s = await buildSurvey();
    const { html } = await staff.page(`/admin/surveys/${s.id}`);
    assert.match(html, /Parks survey/);
    // move "Rank these" above "What do parks need?"
    await staffPost(`/admin/surveys/${s.id}`, `/admin/surveys/${s.id}/questions/${s.rank}/move`, { direction: 'up' });
    const order = await server.ctx.db
      .selectFrom('surveys_question')
      .select('id')
      .where('survey_id', '=', s.id)
      .orderBy('position')
      .execute();
    assert.deepEqual(
      order.map((q) => q.id),
      [s.visits, s.which, s.rank, s.wishes, s.grid, s.text, s.count, s.day],
    );
    // moving the conditional question above the one it depends on drops the condition
    await staffPost(`/admin/surveys/${s.id}`, `/admin/surveys/${s.id}/questions/${s.which}/move`, { direction: 'up' });
    const moved = await server.ctx.db
      .selectFrom('surveys_question')
      .select('condition_question_id')
      .where('id', '=', s.which)
      .executeTakeFirstOrThrow();
    assert.equal(moved.condition_question_id, null);

    // an option renamed (each option has its own form, its fields named after it)
    const parkPage = `/admin/surveys/${s.id}/questions/${s.which}`;
    await staffPost(parkPage, `${parkPage}/choices/${s.parks[0]}`, { [`choice${s.parks[0]}_en`]: 'Harbour park' });
    const emptied = await staff.submit(parkPage, `${parkPage}/choices/${s.parks[0]}`, {
      [`choice${s.parks[0]}_en`]: ' ',
    });
    assert.equal(emptied.status, 400);
    assert.match(await emptied.text(), /Enter a label\./);
    assert.match((await staff.page(parkPage)).html, /Harbour park/);

    // a condition naming a later question or a text question is refused, with the field named
    const bad = await staff.submit(
      `/admin/surveys/${s.id}/questions/${s.text}`,
      `/admin/surveys/${s.id}/questions/${s.text}`,
      { question_en: 'One idea', kind: 'long_text', condition: `${s.count}:1` },
    );
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /A condition must name an option of an earlier choice question/);

    const visitor = await (await fetch(`${server.url}/surveys/${s.id}`)).text();
    assert.match(visitor, /Sign in to answer/);
    const { html: form } = await (await resident()).client.page(`/surveys/${s.id}`);
    assert.match(form, /<legend>1\. Which park\?/);
    assert.match(form, new RegExp(`<label for="q${s.text}">`));
    assert.match(form, /<input type="date"/);
  });

  test('a resident may not open the staff pages', async () => {
    const { client } = await resident();
    assert.equal((await client.get('/admin/surveys')).status, 403);
    assert.equal((await new TestClient(server.url).get('/admin/surveys')).status, 401);
  });
});

describe('answering', () => {
  let s: Built;
  before(async () => {
    s = await buildSurvey();
  });

  test('conditions are judged on the server: a hidden question’s answer is dropped, a shown one is required', async () => {
    const { client: first } = await resident();
    // "No" to visits: the park question does not apply; the park sent anyway is not stored
    const ok = await answer(first, s.id, answers(s, { [`q${s.visits}`]: String(s.no) }));
    assert.equal(ok.status, 303);
    const stored = await server.ctx.db
      .selectFrom('surveys_answer')
      .select('question_id')
      .where('question_id', '=', s.which)
      .execute();
    assert.equal(stored.length, 0);

    // "Yes" without a park: the park question applies and is required
    const { client: second } = await resident();
    const refused = await answer(second, s.id, answers(s, { [`q${s.which}`]: '' }));
    assert.equal(refused.status, 400);
    const page = await refused.text();
    assert.match(page, /Answer this question\./);
    assert.match(page, new RegExp(`href="#q${s.which}"`));
    assert.match(page, /More &quot;shade&quot;, please/, 'what was typed is kept');
  });

  test('limits and kinds are checked: too many options, a repeated rank, a number out of range, a false date', async () => {
    const { client } = await resident();
    const cases: Array<[Record<string, string | string[]>, RegExp]> = [
      [{ [`q${s.wishes}`]: s.wishOptions.map(String) }, /Choose fewer options/],
      [{ [`q${s.rank}_${s.rankOptions[0]}`]: '1' }, /Give each place to only one option/],
      [{ [`q${s.count}`]: '500' }, /Enter a number within the range shown/],
      [{ [`q${s.count}`]: 'twelve' }, /Enter a number, such as 12/],
      [{ [`q${s.day}`]: '2026-02-30' }, /Enter a real date/],
      [{ [`q${s.visits}`]: '999999' }, /Choose one of the options shown/],
    ];
    for (const [change, message] of cases) {
      const response = await answer(client, s.id, answers(s, change));
      assert.equal(response.status, 400, JSON.stringify(change));
      assert.match(await response.text(), message);
    }
    assert.equal(
      (await answer(client, s.id, answers(s))).status,
      303,
      'nothing was stored by the refused attempts, so the person can still answer',
    );
  });

  test('one response per person, even for twenty requests at once', async () => {
    const { client } = await resident();
    const { csrf } = await client.page(`/surveys/${s.id}`);
    const body = new URLSearchParams({
      _csrf: csrf,
      ...Object.fromEntries(Object.entries(answers(s)).map(([k, v]) => [k, Array.isArray(v) ? (v[0] as string) : v])),
    });
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        client.request('POST', `/surveys/${s.id}`, {
          body: body.toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ),
    ).then((responses) => responses.map((r) => r.status));
    assert.equal(statuses.filter((status) => status === 303).length, 1, statuses.join(','));
    assert.ok(
      statuses.every((status) => status === 303 || status === 409),
      statuses.join(','),
    );
    const again = await client.page(`/surveys/${s.id}`);
    assert.match(again.html, /You have already answered this survey/);
    assert.doesNotMatch(again.html, /Send my answers/);
  });

  test('anonymous: the response holds no person, only the day; the "has answered" row holds no response', async () => {
    const { client, user } = await resident();
    assert.equal((await answer(client, s.id, answers(s))).status, 303);
    const responses = await server.ctx.db
      .selectFrom('surveys_response')
      .selectAll()
      .where('survey_id', '=', s.id)
      .execute();
    assert.ok(responses.length >= 1);
    assert.ok(responses.every((r) => r.user_id === null));
    assert.ok(
      responses.every((r) => /^[0-9a-f-]{36}$/.test(r.id)),
      'random ids, not a counter beside the participant rows',
    );
    const participant = await server.ctx.db
      .selectFrom('surveys_participant')
      .selectAll()
      .where('survey_id', '=', s.id)
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(Object.keys(participant).sort(), ['organisation_id', 'survey_id', 'user_id']);
    // no column of the response or answer tables refers to a person or to a time finer than a day
    const columns = await server.ctx.db
      .selectFrom('information_schema.columns' as never)
      .select(['table_name' as never, 'column_name' as never, 'data_type' as never])
      .where('table_name' as never, 'in', ['surveys_response', 'surveys_answer'] as never)
      .execute();
    const rows = columns as unknown as Array<{ table_name: string; column_name: string; data_type: string }>;
    assert.deepEqual(
      rows.filter((c) => c.column_name.includes('user') && c.table_name === 'surveys_answer'),
      [],
    );
    assert.deepEqual(
      rows.filter((c) => c.data_type.startsWith('timestamp')),
      [],
    );
  });

  test('named: the response keeps the person', async () => {
    const named = await buildSurvey({ anonymous: '' });
    const { client, user } = await resident();
    assert.equal((await answer(client, named.id, answers(named))).status, 303);
    const response = await server.ctx.db
      .selectFrom('surveys_response')
      .select('user_id')
      .where('survey_id', '=', named.id)
      .executeTakeFirstOrThrow();
    assert.equal(response.user_id, user.id);
  });

  test('eligibility, sign-in and dates', async () => {
    const verified = await buildSurvey({ eligibilityLevel: 'verified' });
    const { client } = await resident();
    const refused = await answer(client, verified.id, answers(verified));
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /Only verified residents may answer this survey/);

    const { client: unconfirmed, user } = await resident();
    await server.ctx.db.updateTable('core_user').set({ email_confirmed_at: null }).where('id', '=', user.id).execute();
    assert.equal((await answer(unconfirmed, s.id, answers(s))).status, 403);

    const anonymousVisitor = new TestClient(server.url);
    assert.equal((await answer(anonymousVisitor, s.id, answers(s))).status, 401);

    const closed = await buildSurvey({ closesOn: '2020-01-31', opensOn: '2020-01-01' });
    const { client: late } = await resident();
    const response = await answer(late, closed.id, answers(closed));
    assert.equal(response.status, 409);
    assert.match(await response.text(), /This survey is closed/);

    const draft = await buildSurvey({ published: '' });
    assert.equal((await new TestClient(server.url).get(`/surveys/${draft.id}`)).status, 404);
    assert.equal((await (await resident()).client.get(`/surveys/${draft.id}`)).status, 404);
  });

  test('once answered, the questions are locked', async () => {
    const response = await staff.submit(`/admin/surveys/${s.id}`, `/admin/surveys/${s.id}/questions`, {
      question_en: 'Late question',
      kind: 'short_text',
    });
    assert.equal(response.status, 409);
  });
});

describe('results', () => {
  test('counts and percentages with a chart and its table; free texts for staff only; CSV; API', async () => {
    const s = await buildSurvey();
    for (const choice of [s.wishOptions[0], s.wishOptions[0], s.wishOptions[1]]) {
      const { client } = await resident();
      assert.equal((await answer(client, s.id, answers(s, { [`q${s.wishes}`]: String(choice) }))).status, 303);
    }
    const publicPage = await (await fetch(`${server.url}/surveys/${s.id}/results`)).text();
    assert.match(publicPage, /3 responses\./);
    assert.match(publicPage, /<svg class="survey-chart"[^>]*role="img"/);
    assert.match(publicPage, /<th scope="row">Shade<\/th><td>2<\/td><td>66\.7 %<\/td>/);
    assert.match(publicPage, /<th scope="row">Benches<\/th><td>1<\/td><td>33\.3 %<\/td>/);
    assert.doesNotMatch(publicPage, /More &quot;shade&quot;/, 'free texts are not public');
    assert.doesNotMatch(publicPage, /responses\.csv/);

    const staffPage = await (await staff.get(`/surveys/${s.id}/results`)).text();
    assert.match(staffPage, /More &quot;shade&quot;, please,/);

    const csv = await staff.get(`/surveys/${s.id}/responses.csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.split('\r\n');
    assert.match(lines[0] ?? '', /^response,Do you visit parks\?,Which park\?/);
    assert.doesNotMatch(lines[0] ?? '', /user_id/, 'anonymous: no person in the export');
    assert.match(text, /"More ""shade"", please,\nand benches"/, 'quotes doubled, line break kept inside quotes');
    assert.equal((await (await resident()).client.get(`/surveys/${s.id}/responses.csv`)).status, 403);

    const api = await fetch(`${server.url}/api/v1/surveys/${s.id}/results`);
    assert.equal(api.status, 200);
    const body = (await api.json()) as {
      responses: number;
      questions: Array<{ id: number; options: Array<{ choiceId: number; count: number; percent: number }> }>;
    };
    assert.equal(body.responses, 3);
    const wishes = body.questions.find((q) => q.id === s.wishes);
    assert.deepEqual(
      wishes?.options.map((o) => [o.choiceId, o.count, o.percent]),
      [
        [s.wishOptions[0], 2, 66.7],
        [s.wishOptions[1], 1, 33.3],
        [s.wishOptions[2], 0, 0],
      ],
    );
    assert.doesNotMatch(JSON.stringify(body), /shade/, 'no free text in the API');
  });

  test('results a survey keeps private are refused to the public and the API', async () => {
    const s = await buildSurvey({ resultsPublic: '' });
    assert.equal((await fetch(`${server.url}/surveys/${s.id}/results`)).status, 404);
    const api = await fetch(`${server.url}/api/v1/surveys/${s.id}/results`);
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'SURVEY_RESULTS_NOT_PUBLIC');
    assert.equal((await staff.get(`/surveys/${s.id}/results`)).status, 200);
  });
});

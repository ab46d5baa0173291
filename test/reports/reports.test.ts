import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import { AppError } from '../../src/platform/errors.ts';
import {
  addResidentUpdate,
  changeReportStatus,
  findReportById,
  mergeDuplicate,
  rerouteReport,
  setReportHidden,
  submitReport,
} from '../../src/modules/reports/index.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { buildUser } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let city: Organisation;
let roadsOfficer: Viewer;
let parksOfficer: Viewer;
let resident: Viewer;
let moderator: Viewer;

async function viewerFor(email: string): Promise<Viewer> {
  const user = await server.ctx.db
    .selectFrom('core_user')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  const viewer = await findViewer(server.ctx.db, city.id, user.id);
  assert.ok(viewer);
  return viewer;
}

async function newPothole(): Promise<number> {
  const outcome = await submitReport(server.ctx, city, {
    categoryCode: 'pothole',
    lat: 44.105,
    lng: 9.8,
    description: 'A hole',
    answers: { location_type: 'street' },
    source: 'web',
    authorId: resident.id,
  });
  assert.ok('ok' in outcome);
  return outcome.id;
}

before(async () => {
  server = await startTestServer({ demo: true });
  city = (await server.organisations.findAll())[0] as Organisation;
  roadsOfficer = await viewerFor('roads@valmora.example');
  parksOfficer = await viewerFor('parks@valmora.example');
  moderator = await viewerFor('moderator@valmora.example');
  const user = await buildUser(server);
  resident = (await findViewer(server.ctx.db, city.id, user.id)) as Viewer;
});
after(() => server.close());

describe('departments handle their reports', () => {
  test('the department in charge answers and closes a report; its history keeps the public answer', async () => {
    const id = await newPothole();
    await changeReportStatus(server.ctx, roadsOfficer, id, { status: 'fixed', publicText: 'Filled this morning.' });
    const report = await findReportById(server.ctx.db, city.id, id);
    assert.equal(report?.status, 'fixed');
    assert.equal(report.isOpen, false);
    assert.ok(report.closedAt);
    assert.equal(report.lastPublicText, 'Filled this morning.');
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select(['action', 'before', 'after'])
      .where('subject_id', '=', String(id))
      .executeTakeFirstOrThrow();
    assert.equal(audit.action, 'report.status');
  });

  test('another department may not change it', async () => {
    const id = await newPothole();
    await assert.rejects(
      changeReportStatus(server.ctx, parksOfficer, id, { status: 'fixed' }),
      (error) => error instanceof AppError && error.code === 'FORBIDDEN',
    );
    assert.equal((await findReportById(server.ctx.db, city.id, id))?.status, 'new');
  });

  test('a report sent to the wrong department is re-routed with its reason kept', async () => {
    const id = await newPothole();
    const parks = await server.ctx.db
      .selectFrom('core_department')
      .select('id')
      .where('slug', '=', 'parks')
      .executeTakeFirstOrThrow();
    await assert.rejects(
      rerouteReport(server.ctx, roadsOfficer, id, { departmentId: parks.id, reason: '  ' }),
      (error) => error instanceof AppError && error.code === 'VALIDATION_FAILED',
    );
    await rerouteReport(server.ctx, roadsOfficer, id, {
      departmentId: parks.id,
      reason: 'It is a root lifting the path in the park',
    });
    assert.equal((await findReportById(server.ctx.db, city.id, id))?.departmentId, parks.id);
    const line = await server.ctx.db
      .selectFrom('reports_update')
      .select(['internal_note'])
      .where('report_id', '=', id)
      .where('kind', '=', 'reroute')
      .executeTakeFirstOrThrow();
    assert.equal(line.internal_note, 'It is a root lifting the path in the park');
    // now the parks department handles it
    await changeReportStatus(server.ctx, parksOfficer, id, { status: 'in_progress' });
  });

  test('a duplicate is closed and points to the report that stays', async () => {
    const keep = await newPothole();
    const duplicate = await newPothole();
    await mergeDuplicate(server.ctx, roadsOfficer, duplicate, keep);
    const closed = await findReportById(server.ctx.db, city.id, duplicate);
    assert.equal(closed?.status, 'duplicate');
    assert.equal(closed.duplicateOfId, keep);
    assert.match(closed.lastPublicText ?? '', new RegExp(`#${keep}`));
  });

  test('a resident saying the problem is still there reopens a closed report', async () => {
    const id = await newPothole();
    await changeReportStatus(server.ctx, roadsOfficer, id, { status: 'fixed', publicText: 'Done.' });
    const outcome = await addResidentUpdate(server.ctx, resident, id, {
      text: 'It is back after the rain.',
      stillThere: true,
    });
    assert.equal(outcome.reopened, true);
    const report = await findReportById(server.ctx.db, city.id, id);
    assert.equal(report?.status, 'confirmed');
    assert.equal(report.closedAt, null);
  });

  test('moderators hide a report with a logged reason; residents cannot', async () => {
    const id = await newPothole();
    await assert.rejects(
      setReportHidden(server.ctx, resident, id, true, 'spam'),
      (error) => error instanceof AppError && error.code === 'FORBIDDEN',
    );
    await setReportHidden(server.ctx, moderator, id, true, 'Contains a phone number');
    assert.equal(await findReportById(server.ctx.db, city.id, id), undefined, 'hidden from public lists');
    const hidden = await findReportById(server.ctx.db, city.id, id, true);
    assert.ok(hidden?.hiddenAt);
  });
});

import assert from 'node:assert/strict';
import { createProcess, savePhase } from '../../src/modules/participation/use-cases/manage-processes.ts';
import { findProcess, type Process } from '../../src/modules/participation/processes.repository.ts';
import { createSession, SESSION_COOKIE } from '../../src/platform/auth/sessions.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import { csrfTokenFor } from '../../src/platform/http/app.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { TestClient } from './client.ts';
import { buildUser } from './factories.ts';
import type { TestServer } from './server.ts';

const DAY = 86_400_000;

/** A signed-in person (session made directly, e-mail confirmed): their client, CSRF token and viewer. */
export async function signedInPerson(
  server: TestServer,
  organisation: Organisation,
  role: 'resident' | 'staff' = 'resident',
): Promise<{ client: TestClient; csrf: string; viewer: Viewer }> {
  const user = await buildUser(server, { role, confirmed: true });
  const token = await createSession(server.ctx.db, organisation.id, user.id, 30);
  const client = new TestClient(server.url);
  client.cookies.set(SESSION_COOKIE, token);
  const viewer = await findViewer(server.ctx.db, organisation.id, user.id);
  assert.ok(viewer);
  return { client, csrf: csrfTokenFor(server.config.secretKey, token), viewer };
}

/**
 * A process open to anyone with a confirmed e-mail address, in a phase from yesterday to `days` from now that
 * allows proposals (create, support, comment) and meetings.
 */
export async function openProcess(
  server: TestServer,
  staff: Viewer,
  organisation: Organisation,
  slug: string,
  title: Record<string, string> = { en: `Process ${slug}` },
  days = 10,
): Promise<Process> {
  const created = await createProcess(server.ctx, staff, organisation, {
    slug,
    title,
    description: { en: 'A process.' },
    districtIds: [],
    eligibilityLevel: 'email',
    minAge: null,
    maxAge: null,
    residentsOnly: false,
    supportThreshold: 100,
    supportDays: 30,
    answerDays: 14,
  });
  assert.ok(created.ok, JSON.stringify(created));
  const phase = await savePhase(server.ctx, staff, organisation, created.id, null, {
    title: { en: 'Ideas' },
    startsAt: new Date(Date.now() - DAY),
    endsAt: new Date(Date.now() + days * DAY),
    parts: { proposals: ['create', 'support', 'comment'], meetings: [] },
  });
  assert.ok(phase.ok, JSON.stringify(phase));
  const process = await findProcess(server.ctx.db, organisation.id, created.id);
  assert.ok(process);
  return process;
}

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { postComment } from '../../src/modules/participation/use-cases/comments.ts';
import { submitProposal } from '../../src/modules/participation/use-cases/submit-proposal.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { openProcess, signedInPerson } from '../support/participation.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Authors do not support their own proposal nor vote on their own comment (issue 18); others still may. */

let server: TestServer;
let organisation: Organisation;

before(async () => {
  server = await startTestServer();
  const found = (await server.organisations.findAll())[0];
  assert.ok(found);
  organisation = found;
});
after(() => server.close());

test('an author’s own support and own comment vote are refused with their codes; another resident’s count', async () => {
  const staff = await signedInPerson(server, organisation, 'staff');
  const process = await openProcess(server, staff.viewer, organisation, `own-${Date.now()}`);
  const author = await signedInPerson(server, organisation);
  const other = await signedInPerson(server, organisation);
  const proposal = await submitProposal(server.ctx, author.viewer, organisation, process, {
    title: 'Shade trees on the square',
    body: 'Plant twelve trees along the south side of the square for shade in summer.',
    category: 'urbanism',
    districtId: null,
    lat: null,
    lng: null,
  });
  assert.ok(proposal.ok, JSON.stringify(proposal));
  const id = proposal.id;

  // the page: the author is told why, nothing is counted
  const page = await author.client.postForm(`/proposals/${id}/support`, { _csrf: author.csrf, support: 'yes' });
  assert.equal(page.status, 403);
  assert.match(await page.text(), /You wrote this proposal: supports come from other residents\./);
  // the API: its stable code
  const api = await author.client.request('PUT', `/api/v1/proposals/${id}/support`, {
    headers: { 'x-csrf-token': author.csrf },
  });
  assert.equal(api.status, 403);
  assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'PROPOSAL_OWN_SUPPORT');
  const supported = await other.client.request('PUT', `/api/v1/proposals/${id}/support`, {
    headers: { 'x-csrf-token': other.csrf },
  });
  assert.equal(supported.status, 200);
  assert.equal(((await supported.json()) as { supports: number }).supports, 1, 'only the other resident’s support');

  const comment = await postComment(server.ctx, author.viewer, organisation, {
    subjectType: 'proposal',
    subjectId: id,
    parentId: null,
    body: 'The trees should be native species.',
    stance: null,
  });
  assert.ok(comment.ok, JSON.stringify(comment));
  const own = await author.client.postForm(`/comments/${comment.id}/vote`, { _csrf: author.csrf, value: 'up' });
  assert.equal(own.status, 403);
  const theirs = await other.client.postForm(`/comments/${comment.id}/vote`, { _csrf: other.csrf, value: 'up' });
  assert.equal(theirs.status, 303);
  const votes = await server.ctx.db
    .selectFrom('participation_comment')
    .select(['ups', 'downs'])
    .where('id', '=', comment.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(votes, { ups: 1, downs: 0 });
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runPublishing } from '../../src/modules/publishing/delivery.ts';
import { TestClient } from '../support/client.ts';
import { exifSegment, exifTiff, grayJpeg } from '../support/images.ts';
import { FakeChannel } from '../support/publishing.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { act, addDestination, publishingPeople, writePost } from './support.ts';

/**
 * Pictures of posts: cleaned as reports' photos are (type by its bytes, size, metadata stripped), each
 * with its alternative text required in the post's languages; the channel receives the picture with it.
 */
let server: TestServer;
let people: Awaited<ReturnType<typeof publishingPeople>>;
let destinationId: number;
const channel = new FakeChannel();

before(async () => {
  server = await startTestServer({ modules: [channel.module()] });
  people = await publishingPeople(server);
  destinationId = (await addDestination(server, people.admin.client, 'test-channel', 'Fake social')).id;
});
after(() => server.close());

async function upload(postId: number, fields: Record<string, string>, data?: Buffer, type = 'image/jpeg') {
  const { csrf } = await people.author.client.page(`/staff/publishing/posts/${postId}`);
  return people.author.client.multipart(
    `/staff/publishing/posts/${postId}/media`,
    { _csrf: csrf, ...fields },
    data ? [{ name: 'file', filename: 'photo.jpg', type, data }] : [],
  );
}

test('a picture needs its alternative text; it is cleaned of metadata and reaches the channel with it', async () => {
  const written = await writePost(people.author.client, {
    body_en: 'The new playground in the river park.',
    departmentId: String(people.roads),
    destinationIds: String(destinationId),
    schedule: 'now',
  });
  const id = written.id ?? 0;
  const photo = grayJpeg(32, 24, [exifSegment(exifTiff())]);

  const withoutAlt = await upload(id, { alt_en: '  ' }, photo);
  assert.equal(withoutAlt.status, 400);
  assert.match(await withoutAlt.text(), /Fill in this field/);
  const notImage = await upload(id, { alt_en: 'A slide' }, Buffer.from('not an image at all'), 'image/png');
  assert.equal(notImage.status, 400);
  assert.match(await notImage.text(), /not a JPEG, PNG or WebP/);
  const missingFile = await upload(id, { alt_en: 'A slide' });
  assert.equal(missingFile.status, 400);

  const added = await upload(id, { alt_en: 'Children on the new red slide by the river' }, photo);
  assert.equal(added.status, 303);
  const media = await server.ctx.db
    .selectFrom('publishing_media')
    .selectAll()
    .where('post_id', '=', id)
    .executeTakeFirstOrThrow();
  assert.ok(media.data);
  assert.ok(!Buffer.from(media.data).includes(Buffer.from('Exif')), 'metadata stripped');

  // unpublished pictures are for staff only
  assert.equal((await new TestClient(server.url).get(`/publishing/media/${media.id}`)).status, 404);
  assert.equal((await people.author.client.get(`/publishing/media/${media.id}`)).status, 200);

  await act(people.author.client, id, 'submit');
  await act(people.approver.client, id, 'approve');
  await runPublishing(server.ctx);
  const sent = channel.publishCalls.find((call) => call.postId === id);
  assert.ok(sent);
  assert.equal(sent.media.length, 1);
  assert.equal(sent.media[0]?.alt, 'Children on the new red slide by the river');
  const [picture] = sent.media;
  assert.ok(picture);
  assert.deepEqual(Buffer.from(await picture.read()), Buffer.from(media.data));
  const publicPicture = await new TestClient(server.url).get(`/publishing/media/${media.id}`);
  assert.equal(publicPicture.status, 200);
  assert.equal(publicPicture.headers.get('content-type'), 'image/jpeg');
});

test('a picture whose alternative text was emptied blocks sending for approval (ALT_TEXT_MISSING)', async () => {
  const id =
    (
      await writePost(people.author.client, {
        body_en: 'Picture without a description.',
        departmentId: String(people.roads),
        destinationIds: String(destinationId),
        schedule: 'now',
      })
    ).id ?? 0;
  assert.equal((await upload(id, { alt_en: 'Something' }, grayJpeg(8, 8))).status, 303);
  await server.ctx.db
    .updateTable('publishing_media')
    .set({ alt: JSON.stringify({ en: '' }) })
    .where('post_id', '=', id)
    .execute();
  const refused = await act(people.author.client, id, 'submit');
  assert.equal(refused.status, 422);
  assert.match(await refused.text(), /a picture has no alternative text/);
});

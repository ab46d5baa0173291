import { sealSecrets } from '../../src/platform/sealed.ts';
import { DESTINATION_SECRETS } from '../../src/modules/publishing/destinations.use-cases.ts';
import type { TestServer } from '../support/server.ts';

/** A running campaign with hashtags, as staff would have planned it. */
export async function addCampaign(server: TestServer, organisationId: number, slug: string, hashtags: string[]) {
  const today = Date.now();
  const row = await server.ctx.db
    .insertInto('publishing_campaign')
    .values({
      organisation_id: organisationId,
      slug,
      name: JSON.stringify({ en: `Campaign ${slug}` }),
      goal: JSON.stringify({}),
      starts_on: new Date(today - 7 * 86_400_000).toISOString().slice(0, 10),
      ends_on: new Date(today + 30 * 86_400_000).toISOString().slice(0, 10),
      hashtags,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The city's Mastodon account as a publishing destination, its token sealed as the admin page does. */
export async function addMastodonDestination(
  server: TestServer,
  organisationId: number,
  instance: string,
  token: string,
) {
  const row = await server.ctx.db
    .insertInto('publishing_destination')
    .values({
      organisation_id: organisationId,
      kind: 'mastodon',
      key: `mastodon-${Math.random().toString(36).slice(2, 8)}`,
      name: 'City on Mastodon',
      settings: JSON.stringify({ instance }),
      secrets: sealSecrets(server.ctx.config.secretKey, DESTINATION_SECRETS, { token }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function postRow(server: TestServer, remoteId: string) {
  return server.ctx.db
    .selectFrom('resident_content_post')
    .selectAll()
    .where('remote_id', '=', remoteId)
    .executeTakeFirst();
}

export async function auditActions(server: TestServer, postId: number): Promise<string[]> {
  const rows = await server.ctx.db
    .selectFrom('core_audit_log')
    .select('action')
    .where('subject_type', '=', 'resident-post')
    .where('subject_id', '=', String(postId))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.action);
}

// What the insights module reads of publishing, through index.ts: the metrics the channels reported for
// the deliveries published in a period, per post and channel.

import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

export interface PostChannelMetrics {
  postId: number;
  title: string | null;
  departmentId: number | null;
  campaignId: number | null;
  channel: string;
  deliveries: number;
  reach: number;
  favourites: number;
  boosts: number;
  replies: number;
  clicks: number;
}

/**
 * Per post and channel kind, the deliveries published in [from, to) and the sums of their last metrics;
 * narrowed to departments, a campaign or a channel kind when given.
 */
export async function postMetricsBetween(
  db: Executor,
  organisationId: number,
  from: Date,
  to: Date,
  filter: { departmentIds: readonly number[] | null; campaignId: number | null; channel: string | null },
): Promise<PostChannelMetrics[]> {
  const metric = (name: string) => sql`coalesce(sum((d.metrics ->> ${name})::float8), 0)::float8`;
  const result = await sql<{
    post_id: number;
    title: string | null;
    department_id: number | null;
    campaign_id: number | null;
    channel: string;
    deliveries: string;
    reach: number;
    favourites: number;
    boosts: number;
    replies: number;
    clicks: number;
  }>`
    select d.post_id, (select min(t.title) from publishing_post_text t where t.post_id = d.post_id) as title,
      p.department_id, p.campaign_id, dest.kind as channel, count(*) as deliveries,
      ${metric('reach')} as reach, ${metric('favourites')} as favourites, ${metric('boosts')} as boosts,
      ${metric('replies')} as replies, ${metric('clicks')} as clicks
    from publishing_delivery d
    join publishing_post p on p.id = d.post_id
    join publishing_destination dest on dest.id = d.destination_id
    where d.organisation_id = ${organisationId} and d.published_at >= ${from} and d.published_at < ${to}
      ${filter.departmentIds ? sql`and p.department_id = any(${[...filter.departmentIds, 0]}::int[])` : sql``}
      ${filter.campaignId !== null ? sql`and p.campaign_id = ${filter.campaignId}` : sql``}
      ${filter.channel !== null ? sql`and dest.kind = ${filter.channel}` : sql``}
    group by d.post_id, p.department_id, p.campaign_id, dest.kind
    order by d.post_id, dest.kind`.execute(db);
  return result.rows.map((row) => ({
    postId: row.post_id,
    title: row.title,
    departmentId: row.department_id,
    campaignId: row.campaign_id,
    channel: row.channel,
    deliveries: Number(row.deliveries),
    reach: row.reach,
    favourites: row.favourites,
    boosts: row.boosts,
    replies: row.replies,
    clicks: row.clicks,
  }));
}

/** The city's campaigns (id and name), for choosing one. */
export async function campaignNames(db: Executor, organisationId: number) {
  return db
    .selectFrom('publishing_campaign')
    .select(['id', 'name'])
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute();
}

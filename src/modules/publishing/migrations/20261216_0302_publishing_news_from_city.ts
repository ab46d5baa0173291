import { sql, type Kysely } from 'kysely';

/**
 * The city's news become posts: each `city_news` row becomes an `article`, `published` (or a `draft` if it
 * never was), with the same slug (so /news/<slug> keeps working), one text per language found in its title,
 * summary or body, on the city's news pages (the `web` destination, one per city) with a delivery recorded
 * as published. Then `city_news` goes: nothing else reads it. Its district is not carried over (posts have
 * departments, not districts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    insert into publishing_destination (organisation_id, kind, key, name)
    select distinct organisation_id, 'web', 'news', 'News pages' from city_news
    on conflict (organisation_id, kind, key) do nothing`.execute(db);
  await sql`
    create temporary table publishing_news_moved as
    with moved as (
      insert into publishing_post (organisation_id, author_id, kind, state, slug, published_at, created_at, updated_at)
      select organisation_id, author_id, 'article', case when published_at is null then 'draft' else 'published' end,
             slug, published_at, created_at, created_at
      from city_news
      returning id, organisation_id, slug
    )
    select moved.id as post_id, moved.organisation_id, n.title, n.summary, n.body, n.published_at
    from moved join city_news n on n.organisation_id = moved.organisation_id and n.slug = moved.slug`.execute(db);
  await sql`
    insert into publishing_post_text (organisation_id, post_id, language, title, summary, body)
    select m.organisation_id, m.post_id, l.language, m.title ->> l.language, m.summary ->> l.language,
           coalesce(m.body ->> l.language, '')
    from publishing_news_moved m
    cross join lateral (
      select jsonb_object_keys(m.title) as language
      union select jsonb_object_keys(m.summary) union select jsonb_object_keys(m.body)
    ) l`.execute(db);
  await sql`
    insert into publishing_post_destination (organisation_id, post_id, destination_id)
    select m.organisation_id, m.post_id, d.id
    from publishing_news_moved m
    join publishing_destination d on d.organisation_id = m.organisation_id and d.kind = 'web' and d.key = 'news'
    where m.published_at is not null`.execute(db);
  await sql`
    insert into publishing_delivery (organisation_id, post_id, destination_id, language, state, idempotency_key,
                                     remote_id, remote_url, published_at)
    select m.organisation_id, m.post_id, d.id, o.default_language, 'published', 'city-news-' || m.post_id,
           m.post_id::text, '/news/' || p.slug, m.published_at
    from publishing_news_moved m
    join publishing_post p on p.id = m.post_id
    join core_organisation o on o.id = m.organisation_id
    join publishing_destination d on d.organisation_id = m.organisation_id and d.kind = 'web' and d.key = 'news'
    where m.published_at is not null`.execute(db);
  await sql`
    insert into publishing_web_page (organisation_id, post_id, destination_id, published_at)
    select m.organisation_id, m.post_id, d.id, m.published_at
    from publishing_news_moved m
    join publishing_destination d on d.organisation_id = m.organisation_id and d.kind = 'web' and d.key = 'news'
    where m.published_at is not null`.execute(db);
  await sql`drop table publishing_news_moved`.execute(db);
  await sql`drop table city_news`.execute(db);
}

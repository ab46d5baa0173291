import { sql, type Kysely } from 'kysely';

/**
 * Sign-in with a city's OpenID Connect identity providers: the providers a city's administrators
 * configure (the client secret sealed), the links of accounts to a provider's subject (issuer + `sub`,
 * unique in a city) and the sign-in attempts in progress (state, nonce and PKCE verifier, bound to a
 * browser by the hash of a cookie, expiring after minutes).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table identity_providers_provider (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      name jsonb not null,
      issuer text not null,
      client_id text not null,
      client_secret_sealed text,
      scopes text not null default 'openid email profile',
      audience text not null default 'residents' check (audience in ('staff', 'residents')),
      grants_level text not null default 'none' check (grants_level in ('none', 'verified')),
      link_by_email boolean not null default false,
      enabled boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (organisation_id, issuer, client_id)
    )`.execute(db);
  await sql`
    create table identity_providers_link (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      user_id integer not null references core_user(id) on delete cascade,
      provider_id integer not null references identity_providers_provider(id) on delete cascade,
      issuer text not null,
      subject text not null,
      email text,
      linked_at timestamptz not null default now(),
      last_used_at timestamptz,
      constraint identity_providers_link_subject unique (organisation_id, issuer, subject),
      constraint identity_providers_link_one_per_provider unique (user_id, provider_id)
    )`.execute(db);
  await sql`
    create table identity_providers_attempt (
      id text primary key,
      organisation_id integer not null references core_organisation(id),
      provider_id integer not null references identity_providers_provider(id) on delete cascade,
      user_id integer references core_user(id) on delete cascade,
      state text not null,
      nonce text not null,
      code_verifier text not null,
      next text not null default '/',
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index identity_providers_attempt_expiry on identity_providers_attempt (expires_at)`.execute(db);
}

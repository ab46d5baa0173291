import type { AppContext } from '../../platform/context.ts';
import { findDestinations, openDestination } from '../publishing/index.ts';
import type { MastodonAccount } from './mastodon.ts';

/** The city's Mastodon accounts (enabled destinations with readable credentials). */
export async function mastodonAccounts(
  ctx: AppContext,
  organisationId: number,
): Promise<Array<{ destinationId: number; account: MastodonAccount }>> {
  const accounts = [];
  for (const row of await findDestinations(ctx.db, organisationId)) {
    if (row.kind !== 'mastodon' || !row.enabled) continue;
    const destination = await openDestination(ctx, ctx.db, row);
    const setting = destination.settings.instance;
    const instance = (typeof setting === 'string' ? setting : '').replace(/\/+$/, '');
    const token = destination.secrets.token;
    if (!/^https?:\/\//.test(instance) || !token) continue;
    accounts.push({ destinationId: row.id, account: { instance, token } });
  }
  return accounts;
}

export async function mastodonAccountOf(
  ctx: AppContext,
  organisationId: number,
  destinationId: number | null,
): Promise<MastodonAccount | undefined> {
  return (await mastodonAccounts(ctx, organisationId)).find((a) => a.destinationId === destinationId)?.account;
}

import type { AppContext } from '../../platform/context.ts';
import type { DemoPeople } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';

/** Demo posts, campaigns and a past crisis broadcast (filled in below). */
export async function seedPublishing(
  _ctx: AppContext,
  _organisation: Organisation,
  _people: DemoPeople,
): Promise<void> {}

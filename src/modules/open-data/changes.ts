// Announcing changed datasets: the data is read live from the other modules, so a change shows as a
// dataset's `modified` moving on. A recurring job compares it with the last one announced and records a
// `dataset.changed` event (platform/events.ts) in the transaction that moves the state on.

import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { recordEvent } from '../../platform/events.ts';
import { advanceDatasetState, findDatasetStates } from './changes.repository.ts';
import { datasetChanged } from './open-data.events.ts';
import { datasetsWithModified } from './open-data.use-cases.ts';

export const CHANGES_JOB = 'open-data.changes';
export const CHANGES_EVERY_MS = 5 * 60_000;

/**
 * Records `dataset.changed` for every dataset of every city whose data changed since the last run. The
 * first run for a city only notes where each dataset stands. Returns how many events were recorded.
 */
export async function announceChangedDatasets(ctx: AppContext): Promise<number> {
  let recorded = 0;
  for (const organisation of await ctx.organisations.findAll()) {
    const [states, datasets] = await Promise.all([
      findDatasetStates(ctx.db, organisation.id),
      datasetsWithModified(ctx, organisation),
    ]);
    for (const { spec, modified } of datasets) {
      if (!modified) continue;
      const known = states.get(spec.id);
      if (known && known >= modified) continue;
      await inTransaction(ctx.db, async (tx) => {
        if (!(await advanceDatasetState(tx, organisation.id, spec.id, modified)) || !known) return;
        await recordEvent(tx, organisation.id, 'dataset.changed', datasetChanged(spec.id, modified));
        recorded++;
      });
    }
  }
  return recorded;
}

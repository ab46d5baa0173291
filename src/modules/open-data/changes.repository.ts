import type { Executor } from '../../platform/db/database.ts';

/** The last announced change of each of a city's datasets. */
export async function findDatasetStates(db: Executor, organisationId: number): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom('open_data_dataset_state')
    .select(['dataset', 'modified'])
    .where('organisation_id', '=', organisationId)
    .execute();
  return new Map(rows.map((row) => [row.dataset, row.modified]));
}

/** Moves a dataset's state on; answers false when another run already moved it as far (nothing to announce). */
export async function advanceDatasetState(
  db: Executor,
  organisationId: number,
  dataset: string,
  modified: Date,
): Promise<boolean> {
  const row = await db
    .insertInto('open_data_dataset_state')
    .values({ organisation_id: organisationId, dataset, modified })
    .onConflict((oc) =>
      oc
        .columns(['organisation_id', 'dataset'])
        .doUpdateSet({ modified })
        .where('open_data_dataset_state.modified', '<', modified),
    )
    .returning('dataset')
    .executeTakeFirst();
  return row !== undefined;
}

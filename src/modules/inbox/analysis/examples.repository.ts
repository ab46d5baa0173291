import type { Executor } from '../../../platform/db/database.ts';
import type { ClassifierKind, Correction } from './learning.ts';

/** Stores one staff correction as a training example; returns its id. */
export async function insertClassifierExample(
  db: Executor,
  organisationId: number,
  correction: Correction,
): Promise<number> {
  const row = await db
    .insertInto('inbox_classifier_example')
    .values({
      organisation_id: organisationId,
      kind: correction.kind,
      language: correction.language,
      text: correction.text,
      label: correction.label,
      message_id: correction.messageId ?? null,
      created_by: correction.createdBy ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The newest example id and the number of examples of a city's classifier (its version). */
export async function findExampleVersion(db: Executor, organisationId: number, kind: ClassifierKind) {
  return db
    .selectFrom('inbox_classifier_example')
    .select((eb) => [eb.fn.max('id').as('latest'), eb.fn.countAll<number>().as('count')])
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
}

/** Every training example of a city's classifier, oldest first. */
export async function findExamples(db: Executor, organisationId: number, kind: ClassifierKind) {
  return db
    .selectFrom('inbox_classifier_example')
    .select(['language', 'text', 'label'])
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();
}

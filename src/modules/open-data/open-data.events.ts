import { Type, type Static } from 'typebox';
import type { EventDeclaration } from '../../platform/events.ts';

/** A public dataset's data changed: which one (its page and files at `/open-data/<id>`) and when. */
export const DatasetChanged = Type.Object({
  id: Type.String(),
  path: Type.String(),
  modified: Type.String({ format: 'date-time' }),
});

export const openDataEvents: EventDeclaration[] = [{ type: 'dataset.changed', version: 1, data: DatasetChanged }];

export function datasetChanged(id: string, modified: Date) {
  return { id, path: `/open-data/${id}`, modified: modified.toISOString() };
}

declare module '../../platform/events.ts' {
  interface EventData {
    'dataset.changed': Static<typeof DatasetChanged>;
  }
}

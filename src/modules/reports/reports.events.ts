import { Type, type Static } from 'typebox';
import type { EventDeclaration } from '../../platform/events.ts';

/** A report made public: its id, its page and its category (public fields only, never the author). */
export const ReportCreated = Type.Object({
  id: Type.Integer(),
  path: Type.String(),
  categoryId: Type.Integer(),
  districtId: Type.Union([Type.Integer(), Type.Null()]),
});

/** A report that changed: what changed and, for a status, the new one. */
export const ReportUpdated = Type.Object({
  id: Type.Integer(),
  path: Type.String(),
  change: Type.Union([
    Type.Literal('status'),
    Type.Literal('routing'),
    Type.Literal('merged'),
    Type.Literal('visibility'),
    Type.Literal('update'),
  ]),
  status: Type.Optional(Type.String()),
});

export const reportEvents: EventDeclaration[] = [
  { type: 'report.created', version: 1, data: ReportCreated },
  { type: 'report.updated', version: 1, data: ReportUpdated },
];

/** The data of `report.created`. */
export function reportCreated(id: number, categoryId: number, districtId: number | null) {
  return { id, path: `/reports/${id}`, categoryId, districtId };
}

/** The data of `report.updated`. */
export function reportChanged(id: number, change: Static<typeof ReportUpdated>['change'], status?: string) {
  return { id, path: `/reports/${id}`, change, ...(status === undefined ? {} : { status }) };
}

declare module '../../platform/events.ts' {
  interface EventData {
    'report.created': Static<typeof ReportCreated>;
    'report.updated': Static<typeof ReportUpdated>;
  }
}

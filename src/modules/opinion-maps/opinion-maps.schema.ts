import type { ColumnType, Generated } from 'kysely';
import { Type, type Static } from 'typebox';
import type { Translated } from '../../platform/db/schema.ts';

type Json<T> = ColumnType<T, string, string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type Moderation = 'before' | 'after';
export type MapStatus = 'draft' | 'open' | 'closed';
export type StatementStatus = 'pending' | 'accepted' | 'rejected';
export type VoteValue = -1 | 0 | 1;

declare module '../../platform/db/schema.ts' {
  interface Database {
    opinion_maps_map: {
      id: Generated<number>;
      organisation_id: number;
      process_id: number;
      question: Json<Translated>;
      moderation: Generated<Moderation>;
      status: Generated<MapStatus>;
      created_at: CreatedAt;
    };
    opinion_maps_participant: {
      id: Generated<number>;
      organisation_id: number;
      map_id: number;
      user_id: number | null;
      created_at: CreatedAt;
    };
    opinion_maps_statement: {
      id: Generated<number>;
      organisation_id: number;
      map_id: number;
      author_id: number | null;
      text: string;
      status: StatementStatus;
      created_at: CreatedAt;
      moderated_at: MaybeStamp;
    };
    opinion_maps_vote: {
      organisation_id: number;
      participant_id: number;
      statement_id: number;
      map_id: number;
      value: number;
      seq: Generated<string>;
    };
    opinion_maps_result: {
      map_id: number;
      organisation_id: number;
      seq: string;
      votes: number;
      computed_at: ColumnType<Date, Date, Date>;
      result: Json<unknown>;
    };
  }
}

// ---- API ----

export const MapParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

const Counts = Type.Object({ agree: Type.Integer(), disagree: Type.Integer(), pass: Type.Integer() });

export const ApiMap = Type.Object({
  id: Type.Integer(),
  processId: Type.Integer(),
  question: Type.String({ description: 'The question, in the language asked for (or the city’s default).' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  statements: Type.Integer({ description: 'Statements shown for voting.' }),
  participants: Type.Integer({ description: 'People who voted at least once.' }),
  url: Type.String({ description: 'The page of the map.' }),
});

export const ApiMapList = Type.Object({ data: Type.Array(ApiMap) });

const ApiStatementRef = Type.Object({ id: Type.Integer(), text: Type.String() });

export const ApiResults = Type.Object({
  mapId: Type.Integer(),
  computedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  votes: Type.Integer({ description: 'Votes the results cover.' }),
  participants: Type.Integer({ description: 'People who voted at least once.' }),
  placed: Type.Integer({ description: 'People who voted on enough statements to be placed in a group.' }),
  groups: Type.Array(
    Type.Object({
      label: Type.String({ description: 'A, B, C… by size.' }),
      members: Type.Integer(),
      representative: Type.Array(
        Type.Object({
          statement: ApiStatementRef,
          direction: Type.Union([Type.Literal('agree'), Type.Literal('disagree')]),
          probability: Type.Number({ description: 'Smoothed share of the group that agrees (disagrees).' }),
          ratio: Type.Number({ description: 'That share divided by the same share among the other groups.' }),
        }),
      ),
    }),
  ),
  consensus: Type.Object({
    agree: Type.Array(Type.Object({ statement: ApiStatementRef, probability: Type.Number() })),
    disagree: Type.Array(Type.Object({ statement: ApiStatementRef, probability: Type.Number() })),
  }),
  statements: Type.Array(Type.Object({ statement: ApiStatementRef, total: Counts, groups: Type.Array(Counts) })),
});
export type ApiResultsBody = Static<typeof ApiResults>;

import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import {
  apiErrors,
  askedLanguage,
  CursorQuery,
  FieldsQuery,
  LangQuery,
  nextLink,
  PUBLIC,
} from '../../platform/http/api.ts';
import type { App } from '../../platform/http/app.ts';
import { translator, type MessageKey } from '../../platform/i18n/translate.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import { formatsOf } from './datasets.ts';
import { readRecords } from './open-data.use-cases.ts';
import { datasetsWithModified } from './open-data.use-cases.ts';

const DatasetId = Type.String({ pattern: '^[a-z][a-z-]{0,60}$', description: 'The dataset’s id, as listed' });

const FieldJson = Type.Object({
  name: Type.String(),
  type: Type.String({
    description:
      'integer, number, boolean, text, code, datetime, date, uri, integer_list, or translated (one text per language; one text with `lang=`)',
  }),
  unit: Type.Union([Type.String(), Type.Null()]),
  description: Type.String({ description: 'What the field means, in the asked language' }),
});

const DatasetJson = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  module: Type.String(),
  themes: Type.Array(Type.String(), { description: 'Codes of the EU data-theme vocabulary' }),
  modified: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  fields: Type.Array(FieldJson),
  records: Type.String({ description: 'The address of its records in this API' }),
  downloads: Type.Record(Type.String(), Type.String(), { description: 'Whole files by format (csv, json, geojson)' }),
  page: Type.String({ description: 'The page documenting it' }),
});

const RecordsPage = Type.Object({
  dataset: Type.String(),
  records: Type.Array(
    Type.Record(Type.String(), Type.Unknown(), { description: 'A record: the asked fields, by name' }),
  ),
  next: Type.Union([Type.String({ description: 'The address of the next page' }), Type.Null()]),
});

/** The public datasets over the API: the list, and each dataset's records in pages (docs/API.md). */
export function registerOpenDataApi(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/datasets',
    {
      schema: {
        operationId: 'listDatasets',
        tags: ['open-data'],
        summary: 'Every public dataset, with its fields, downloads and the address of its records',
        security: PUBLIC,
        querystring: Type.Object({ lang: LangQuery }, { additionalProperties: false }),
        response: { 200: Type.Object({ datasets: Type.Array(DatasetJson) }) },
      },
    },
    async (request, reply) => {
      const t = translator(askedLanguage(request.query.lang) ?? request.lang);
      const datasets = await datasetsWithModified(ctx, request.organisation);
      const url = (path: string) => absoluteUrl(request.server, request.organisation, path);
      reply.header('access-control-allow-origin', '*');
      return {
        datasets: datasets.map(({ spec, modified }) => ({
          id: spec.id,
          title: t(`openData.dataset.${spec.id}.title` as MessageKey),
          description: t(`openData.dataset.${spec.id}.description` as MessageKey),
          module: spec.module,
          themes: spec.themes,
          modified: modified?.toISOString() ?? null,
          fields: spec.fields.map((field) => ({
            name: field.name,
            type: field.type,
            unit: field.unit ?? null,
            description: t(`openData.field.${field.name}` as MessageKey),
          })),
          records: url(`/api/v1/datasets/${spec.id}/records`),
          downloads: Object.fromEntries(
            formatsOf(spec).map((format) => [format, url(`/open-data/${spec.id}.${format}`)]),
          ),
          page: url(`/open-data/${spec.id}`),
        })),
      };
    },
  );

  app.get(
    '/api/v1/datasets/:id/records',
    {
      schema: {
        operationId: 'listDatasetRecords',
        tags: ['open-data'],
        summary: 'The records of a dataset, in id order, a page at a time',
        description:
          'Follow `next` (also in the Link header) until it is null; the cursor in it is opaque. `fields=` keeps only ' +
          'some fields; `lang=` gives each translated field as one text in that language (else the city’s default ' +
          'language) instead of an object with one text per city language.',
        security: PUBLIC,
        params: Type.Object({ id: DatasetId }),
        querystring: Type.Object(
          {
            cursor: CursorQuery,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            fields: FieldsQuery,
            lang: LangQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: RecordsPage, ...apiErrors(400, 404) },
      },
    },
    async (request, reply) => {
      const { cursor, limit = 100, fields, lang } = request.query;
      const outcome = await readRecords(ctx, request.organisation, request.params.id, { cursor, limit, fields, lang });
      if (!outcome.ok) throw new AppError(outcome.code, undefined, outcome.details);
      reply.header('access-control-allow-origin', '*');
      return {
        dataset: request.params.id,
        records: outcome.records,
        next: nextLink(request, reply, outcome.next),
      };
    },
  );
}

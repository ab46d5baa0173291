import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import type { App } from '../../platform/http/app.ts';
import { LangQuery, PUBLIC } from '../../platform/http/api.ts';
import { localized } from '../../platform/i18n/translate.ts';
import { html } from '../../platform/web/html.ts';
import { cityName, renderPage } from '../../platform/web/layout.ts';
import { rewind } from './geometry.ts';
import { findDistricts, findDistrictsAt, findDistrictsWithGeometry } from './places.repository.ts';

const DistrictSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('district'), Type.Literal('neighbourhood')]),
  code: Type.String(),
  parentId: Type.Union([Type.Integer(), Type.Null()]),
  name: Type.Record(Type.String(), Type.String(), { description: 'Name by language code' }),
  population: Type.Union([Type.Integer(), Type.Null()]),
});

const DistrictOutlines = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.Integer(),
      properties: Type.Object({
        code: Type.String(),
        kind: Type.Union([Type.Literal('district'), Type.Literal('neighbourhood')]),
        parentId: Type.Union([Type.Integer(), Type.Null()]),
        name: Type.String({ description: 'The name in the asked language' }),
        names: Type.Record(Type.String(), Type.String(), { description: 'Name by language code' }),
      }),
      geometry: Type.Object(
        { type: Type.String({ description: 'Polygon or MultiPolygon' }), coordinates: Type.Array(Type.Unknown()) },
        { description: 'An RFC 7946 geometry' },
      ),
    }),
  ),
});

export function registerPlacesRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/districts',
    {
      schema: {
        operationId: 'listDistricts',
        tags: ['places'],
        summary: 'Districts and neighbourhoods of the city',
        security: PUBLIC,
        response: { 200: Type.Object({ districts: Type.Array(DistrictSchema) }) },
      },
    },
    async (request) => ({ districts: await findDistricts(ctx.db, request.organisation.id) }),
  );

  app.get(
    '/api/v1/districts.geojson',
    {
      schema: {
        operationId: 'districtOutlines',
        tags: ['places'],
        summary: 'District outlines as a GeoJSON FeatureCollection, for maps',
        description: 'RFC 7946: WGS84 longitude then latitude; `name` in the asked language (`lang=`), `names` in all.',
        security: PUBLIC,
        querystring: Type.Object({ lang: LangQuery }),
        response: { 200: { content: { 'application/geo+json': { schema: DistrictOutlines } } } },
      },
    },
    async (request, reply) => {
      const districts = await findDistrictsWithGeometry(ctx.db, request.organisation.id);
      reply.header('cache-control', 'public, max-age=300').type('application/geo+json; charset=utf-8');
      return {
        type: 'FeatureCollection' as const,
        features: districts.map((district) => ({
          type: 'Feature' as const,
          id: district.id,
          properties: {
            code: district.code,
            kind: district.kind,
            parentId: district.parentId,
            name: localized(district.name, request.lang, request.organisation.defaultLanguage),
            names: district.name,
          },
          geometry: rewind(district.geometry),
        })),
      };
    },
  );

  app.get(
    '/api/v1/districts/lookup',
    {
      schema: {
        operationId: 'findDistrictsAtPoint',
        tags: ['places'],
        summary: 'Which district and neighbourhood contain a point',
        security: PUBLIC,
        querystring: Type.Object({
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          lng: Type.Number({ minimum: -180, maximum: 180 }),
          lang: LangQuery,
        }),
        response: { 200: Type.Object({ districts: Type.Array(DistrictSchema) }) },
      },
    },
    async (request) => ({
      districts: await findDistrictsAt(ctx.db, request.organisation.id, request.query.lng, request.query.lat),
    }),
  );

  app.get('/districts', { schema: { hide: true } }, async (request, reply) => {
    const { t, lang, organisation } = request;
    const all = await findDistricts(ctx.db, organisation.id);
    const districts = all.filter((d) => d.kind === 'district');
    const name = (value: Record<string, string>) => localized(value, lang, organisation.defaultLanguage);
    return renderPage(request, reply, {
      title: t('districts.title', { city: cityName(request) }),
      main: html`<h1>${t('districts.title', { city: cityName(request) })}</h1>
${districts.length === 0 ? html`<p>${t('home.districts.empty')}</p>` : ''}
<ul class="cards">
${districts.map((district) => {
  const children = all.filter((d) => d.parentId === district.id);
  return html`<li class="card" id="district-${district.code}">
  <h2>${name(district.name)}</h2>
  ${children.length ? html`<h3>${t('districts.neighbourhoods')}</h3><ul>${children.map((child) => html`<li>${name(child.name)}</li>`)}</ul>` : ''}
</li>`;
})}
</ul>
<p><a href="/api/v1/districts.geojson">GeoJSON</a></p>`,
    });
  });
}

import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import type { App } from '../../platform/http/app.ts';
import { askedLanguage, LangQuery, PUBLIC } from '../../platform/http/api.ts';
import { geocoderFor } from './geocoder.ts';

const Candidate = Type.Object({
  label: Type.String({ description: 'How people write the place: "Via del Porto 12, Valmora"' }),
  lat: Type.Number({ description: 'WGS 84 latitude' }),
  lon: Type.Number({ description: 'WGS 84 longitude' }),
  kind: Type.Union([Type.Literal('address'), Type.Literal('street'), Type.Literal('place')], {
    description: 'A house number, a street (placed at its middle) or another place',
  }),
  source: Type.Union(
    [Type.Literal('register'), Type.Literal('nominatim'), Type.Literal('photon'), Type.Literal('none')],
    { description: "Which geocoder found it: the city's address register or an outside service" },
  ),
});

function present(candidate: { label: string; lat: number; lng: number; kind: string; source: string }) {
  return {
    label: candidate.label,
    lat: candidate.lat,
    lon: candidate.lng,
    kind: candidate.kind as 'address' | 'street' | 'place',
    source: candidate.source as 'register' | 'nominatim' | 'photon' | 'none',
  };
}

/** Address search and reverse geocoding over the city's geocoder (its register, Nominatim or Photon). */
export function registerGeocodeApi(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/places/geocode',
    {
      schema: {
        operationId: 'geocodeAddress',
        tags: ['places'],
        summary: 'Addresses and streets of the city matching a text',
        description:
          "Searches the city's geocoder: by default its imported address register, forgiving accents and typos, in the city's languages. `suggest` is false when the geocoder must not be asked as one types (Nominatim's usage policy).",
        security: PUBLIC,
        querystring: Type.Object(
          {
            q: Type.String({ minLength: 1, maxLength: 200, description: 'What was typed: "via del porto 12"' }),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 8 })),
            lang: LangQuery,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            candidates: Type.Array(Candidate),
            available: Type.Boolean({ description: 'False when the city has no address search' }),
            suggest: Type.Boolean({ description: 'Whether clients may search as one types' }),
          }),
        },
      },
    },
    async (request) => {
      const lang = askedLanguage(request.query.lang) ?? request.lang;
      const geocoder = await geocoderFor(ctx, request.organisation);
      const found = await geocoder.search(request.query.q, lang, request.query.limit ?? 8);
      return { candidates: found.map(present), available: geocoder.available, suggest: geocoder.suggests };
    },
  );

  app.get(
    '/api/v1/places/reverse',
    {
      schema: {
        operationId: 'reverseGeocode',
        tags: ['places'],
        summary: 'The address nearest a point',
        description: 'The nearest address within 150 metres, or null: "near Via del Porto 12".',
        security: PUBLIC,
        querystring: Type.Object(
          {
            lat: Type.Number({ minimum: -90, maximum: 90 }),
            lon: Type.Number({ minimum: -180, maximum: 180 }),
            lang: LangQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ address: Type.Union([Candidate, Type.Null()]) }) },
      },
    },
    async (request) => {
      const lang = askedLanguage(request.query.lang) ?? request.lang;
      const geocoder = await geocoderFor(ctx, request.organisation);
      const found = await geocoder.reverse(request.query.lat, request.query.lon, lang);
      return { address: found ? present(found) : null };
    },
  );
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import { verifyApiKey, type ApiKeyScope } from '../../../platform/auth/api-keys.ts';
import { ReservedRateLimits } from '../../../platform/auth/rate-limit.ts';
import { hashToken } from '../../../platform/auth/tokens.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { OrganisationRepository, type Organisation } from '../../../platform/organisations/organisations.ts';
import { geocoderFor } from '../../places/index.ts';
import {
  findCategories,
  findCategoryIdsWithQuestions,
  findCategoryByCode,
  findQuestions,
} from '../report-categories.repository.ts';
import { findFirstPhotoIds } from '../photos.repository.ts';
import { findPublicUpdates } from '../report-history.repository.ts';
import { findReports, type ReportRow } from '../reports-list.repository.ts';
import { CLOSED_STATUSES, OPEN_STATUSES, type ReportStatus } from '../reports.schema.ts';
import { submitReport } from '../submit-report.use-cases.ts';
import { isoWithOffset } from './datetime.ts';
import { toXml, type XmlNode } from './xml.ts';
import { isEmail, isStorableDate, parseId } from '../../../platform/validation.ts';

type Format = 'xml' | 'json';

/** An error in the list form the specification gives, with its HTTP status. */
class Open311Error extends Error {
  readonly status: number;
  constructor(status: number, description: string) {
    super(description);
    this.status = status;
  }
}

const DATATYPE_DESCRIPTIONS: Record<string, string> = {
  string: 'A short text',
  text: 'A longer text',
  number: 'A number',
  datetime: 'A date and time (ISO 8601)',
  singlevaluelist: 'One of the listed values',
  multivaluelist: 'Any of the listed values',
};

function send(
  reply: FastifyReply,
  format: Format,
  root: string,
  item: string,
  items: XmlNode[],
  status = 200,
): FastifyReply {
  if (format === 'json') return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(items));
  return reply
    .code(status)
    .type('text/xml; charset=utf-8')
    .send(toXml(root, { [item]: items }));
}

function sendError(reply: FastifyReply, format: Format, status: number, description: string): FastifyReply {
  return send(reply, format, 'errors', 'error', [{ code: status, description }], status);
}

/** Splits `name.xml` / `name.json`; anything else is not an Open311 resource. */
function splitFormat(file: string): { name: string; format: Format } {
  const match = /^(.*)\.(xml|json)$/.exec(file);
  if (!match) throw new Open311Error(404, 'Unknown format: add .xml or .json to the resource');
  return { name: match[1] as string, format: match[2] as Format };
}

function params(request: FastifyRequest): Record<string, unknown> {
  return {
    ...(request.query as Record<string, unknown>),
    ...((request.body as Record<string, unknown> | undefined) ?? {}),
  };
}

function text(value: unknown): string | undefined {
  if (Array.isArray(value)) return text(value[0]);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function dateParam(value: unknown, name: string): Date | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const date = new Date(raw);
  if (!isStorableDate(date)) throw new Open311Error(400, `${name} must be a date and time in ISO 8601 (w3) format`);
  return date;
}

function positiveInt(value: unknown, name: string, fallback: number, max: number): number {
  const raw = text(value);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Open311Error(400, `${name} must be a whole number from 1`);
  return Math.min(Number(raw), max);
}

/** How long a verified API key is trusted without reading it again (the report statement re-checks revocation). */
const VERIFIED_KEY_MS = 60_000;

export function registerOpen311(app: FastifyInstance, ctx: AppContext): void {
  const organisations = new OrganisationRepository(ctx.db);
  const rateLimits = new ReservedRateLimits();
  // Verified keys by hash, so that intake does not read (and touch) the key row on every request.
  // Safe because the statement that stores a report checks that the key is still not revoked.
  const verifiedKeys = new Map<
    string,
    { key: { id: number; organisationId: number; scopes: readonly ApiKeyScope[] }; expires: number }
  >();

  async function verifiedKey(
    apiKey: string,
  ): Promise<{ id: number; organisationId: number; scopes: readonly ApiKeyScope[] } | undefined> {
    const hash = hashToken(apiKey);
    const cached = verifiedKeys.get(hash);
    if (cached && cached.expires > Date.now()) return cached.key;
    const key = await verifyApiKey(ctx.db, apiKey);
    if (!key) return undefined;
    if (verifiedKeys.size >= 1000) verifiedKeys.clear();
    verifiedKeys.set(hash, {
      key: { id: key.id, organisationId: key.organisationId, scopes: key.scopes },
      expires: Date.now() + VERIFIED_KEY_MS,
    });
    return key;
  }

  /** The city a request is for: `jurisdiction_id` (the city's slug) when given, else the one of the host. */
  async function jurisdiction(request: FastifyRequest): Promise<Organisation> {
    const id = text(params(request).jurisdiction_id);
    if (id === undefined) return request.organisation;
    const organisation = await organisations.findBySlug(id);
    if (!organisation) throw new Open311Error(404, `jurisdiction_id ${id} was not found`);
    return organisation;
  }

  function requestItem(report: ReportRow, organisation: Organisation, photoId?: number): XmlNode {
    const lang = organisation.defaultLanguage;
    return {
      service_request_id: report.id,
      status: report.isOpen ? 'open' : 'closed',
      status_notes: report.lastPublicText ?? '',
      service_name: localized(report.categoryName, lang, lang),
      service_code: report.categoryCode,
      description: report.description,
      agency_responsible: report.departmentName ? localized(report.departmentName, lang, lang) : '',
      service_notice: '',
      requested_datetime: isoWithOffset(report.createdAt, organisation.timeZone),
      updated_datetime: isoWithOffset(report.updatedAt, organisation.timeZone),
      expected_datetime: report.deadlineAt ? isoWithOffset(report.deadlineAt, organisation.timeZone) : '',
      address: report.address ?? '',
      address_id: '',
      zipcode: '',
      lat: report.lat,
      long: report.lng,
      // the first public photo, as the specification's one picture per request
      media_url:
        photoId === undefined ? '' : absoluteUrl(ctx.config, organisation, `/reports/${report.id}/photos/${photoId}`),
    };
  }

  /** The requests as Open311 items, each with its first public photo (one query for all). */
  async function requestItems(reports: ReportRow[], organisation: Organisation): Promise<XmlNode[]> {
    const photos = await findFirstPhotoIds(
      ctx.db,
      organisation.id,
      reports.map((report) => report.id),
    );
    return reports.map((report) => requestItem(report, organisation, photos.get(report.id)));
  }

  app.register(
    async (scope) => {
      scope.setErrorHandler((error, request, reply) => {
        const format: Format = /\.json(\?|$)/.test(request.url) ? 'json' : 'xml';
        if (error instanceof Open311Error) return sendError(reply, format, error.status, error.message);
        const status = (error as { statusCode?: number }).statusCode;
        if (status && status >= 400 && status < 500) return sendError(reply, format, status, (error as Error).message);
        request.log.error({ err: error }, 'Open311 request failed');
        return sendError(reply, format, 500, 'The server could not answer this request');
      });
      scope.setNotFoundHandler((request, reply) =>
        sendError(reply, /\.json(\?|$)/.test(request.url) ? 'json' : 'xml', 404, 'There is no such Open311 resource'),
      );

      scope.get('/discovery.:format', async (request, reply) => {
        const { format } = splitFormat(`discovery.${(request.params as { format: string }).format}`);
        const base = absoluteUrl(ctx.config, request.organisation, '/open311/v2');
        const discovery = {
          changeset: isoWithOffset(new Date('2026-11-23T00:00:00Z'), request.organisation.timeZone),
          contact: `Open data team of ${localized(request.organisation.name, 'en', request.organisation.defaultLanguage)}`,
          key_service: absoluteUrl(ctx.config, request.organisation, '/admin/api-keys'),
          endpoints: [
            {
              specification: 'http://wiki.open311.org/GeoReport_v2',
              url: base,
              changeset: '2026-11-23T00:00:00Z',
              type: 'production',
              formats: ['text/xml', 'application/json'],
            },
          ],
        };
        if (format === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(discovery));
        return reply.type('text/xml; charset=utf-8').send(
          toXml('discovery', {
            ...discovery,
            endpoints: { endpoint: discovery.endpoints.map((e) => ({ ...e, formats: { format: e.formats } })) },
          }),
        );
      });

      scope.get('/services.:format', async (request, reply) => {
        const { format } = splitFormat(`services.${(request.params as { format: string }).format}`);
        const organisation = await jurisdiction(request);
        const lang = organisation.defaultLanguage;
        const categories = await findCategories(ctx.db, organisation.id);
        const withQuestions = await findCategoryIdsWithQuestions(ctx.db, organisation.id);
        return send(
          reply,
          format,
          'services',
          'service',
          categories.map((category) => ({
            service_code: category.code,
            service_name: localized(category.name, lang, lang),
            description: localized(category.description, lang, lang),
            metadata: withQuestions.has(category.id),
            type: 'realtime',
            keywords: category.keywords,
            group: localized(category.group, lang, lang),
          })),
        );
      });

      scope.get('/services/:file', async (request, reply) => {
        const { name: code, format } = splitFormat((request.params as { file: string }).file);
        const organisation = await jurisdiction(request);
        const lang = organisation.defaultLanguage;
        const category = await findCategoryByCode(ctx.db, organisation.id, code);
        if (!category || !category.active) throw new Open311Error(404, `service_code ${code} was not found`);
        const attributes = (await findQuestions(ctx.db, category.id)).map((question, index) => ({
          variable: true,
          code: question.code,
          datatype: question.datatype,
          required: question.required,
          datatype_description: DATATYPE_DESCRIPTIONS[question.datatype] ?? '',
          order: index + 1,
          description: localized(question.label, lang, lang),
          values: question.options.map((option) => ({ key: option.key, name: localized(option.name, lang, lang) })),
        }));
        const definition = { service_code: category.code, attributes };
        if (format === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(definition));
        return reply.type('text/xml; charset=utf-8').send(
          toXml('service_definition', {
            service_code: category.code,
            attributes: { attribute: attributes.map((a) => ({ ...a, values: { value: a.values } })) },
          }),
        );
      });

      scope.post('/requests.:format', { config: { csrf: false } }, async (request, reply) => {
        const { format } = splitFormat(`requests.${(request.params as { format: string }).format}`);
        const input = params(request);
        const organisation = await jurisdiction(request);
        const apiKey = text(input.api_key);
        const key = apiKey ? await verifiedKey(apiKey) : undefined;
        if (!key || key.organisationId !== organisation.id)
          throw new Open311Error(403, 'api_key is missing or not valid for this jurisdiction');
        // Scopes are fixed when a key is issued (a change means a new key), so a remembered key's scopes hold.
        if (!key.scopes.includes('open311'))
          throw new Open311Error(403, 'this api_key may not submit service requests (it lacks the open311 scope)');
        const { limit, windowSeconds } = ctx.config.rateLimits.publicWrite;
        const rate = await rateLimits.take(ctx.db, organisation.id, {
          key: `open311:key:${key.id}`,
          limit: limit * 10,
          windowSeconds,
        });
        if (!rate.allowed)
          throw new Open311Error(
            429,
            `Too many requests for this api_key; try again in ${rate.retryAfterSeconds} seconds`,
          );
        // A valid report is stored only if its key is still not revoked (checked in the same statement);
        // a refused one is answered only after the key has been read afresh, as before it was cached.
        const recheckKey = async (): Promise<void> => {
          const fresh = await verifyApiKey(ctx.db, apiKey as string);
          if (!fresh || fresh.organisationId !== organisation.id)
            throw new Open311Error(403, 'api_key is missing or not valid for this jurisdiction');
        };
        const refuse = async (error: Open311Error): Promise<never> => {
          await recheckKey();
          throw error;
        };

        const serviceCode = text(input.service_code);
        if (!serviceCode) return refuse(new Open311Error(400, 'service_code is required'));
        let latText = text(input.lat);
        let lngText = text(input.long);
        const addressString = text(input.address_string);
        if ((latText === undefined || lngText === undefined) && addressString) {
          // GeoReport v2: a location is lat & long or address_string; the city's own address search places it
          const geocoder = await geocoderFor(ctx, organisation);
          const [found] = await geocoder.search(addressString, organisation.defaultLanguage, 1);
          if (!found)
            return refuse(
              new Open311Error(
                400,
                'address_string was not found among the addresses of this city: send lat and long instead',
              ),
            );
          latText = String(found.lat);
          lngText = String(found.lng);
        }
        if (latText === undefined || lngText === undefined)
          return refuse(new Open311Error(400, 'lat and long, or an address_string of this city, are required'));
        const lat = Number(latText);
        const lng = Number(lngText);
        if (!Number.isFinite(lat) || !Number.isFinite(lng))
          return refuse(new Open311Error(400, 'lat and long must be decimal degrees (WGS 84)'));
        const answers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(input)) {
          const match = /^attribute\[([^\]]+)\](\[\])?$/.exec(name);
          if (match)
            answers[match[1] as string] = Array.isArray(value)
              ? value.map(String)
              : match[2]
                ? [String(value)]
                : String(value);
        }
        const attributeObject = input.attribute;
        if (attributeObject && typeof attributeObject === 'object' && !Array.isArray(attributeObject)) {
          for (const [code, value] of Object.entries(attributeObject as Record<string, unknown>))
            answers[code] = Array.isArray(value) ? value.map(String) : String(value);
        }
        const email = text(input.email);
        if (email && !isEmail(email)) return refuse(new Open311Error(400, 'email is not a valid e-mail address'));
        const name = [text(input.first_name), text(input.last_name)].filter(Boolean).join(' ');
        // configuration still current, key still valid, report and first history line: one statement, one commit
        const outcome = await submitReport(ctx, organisation, {
          categoryCode: serviceCode,
          lat,
          lng,
          description: typeof input.description === 'string' ? input.description : '',
          address: text(input.address_string),
          answers,
          authorName: name || undefined,
          authorEmail: email,
          source: 'open311',
          apiKeyId: key.id,
        });
        if ('refused' in outcome) {
          verifiedKeys.delete(hashToken(apiKey as string));
          throw new Open311Error(403, 'api_key is missing or not valid for this jurisdiction');
        }
        if ('invalid' in outcome) {
          const status = outcome.invalid.some((p) => p.code === 'REPORT_UNKNOWN_CATEGORY') ? 404 : 400;
          const items = outcome.invalid.map((problem) => ({
            code: status,
            description: `${problem.field}: ${problem.message}`,
          }));
          await recheckKey();
          return send(reply, format, 'errors', 'error', items, status);
        }
        return send(
          reply,
          format,
          'service_requests',
          'request',
          [{ service_request_id: outcome.id, token: outcome.token, service_notice: '', account_id: '' }],
          201,
        );
      });

      scope.get('/requests.:format', async (request, reply) => {
        const { format } = splitFormat(`requests.${(request.params as { format: string }).format}`);
        const input = params(request);
        const organisation = await jurisdiction(request);
        const ids = text(input.service_request_id)
          ?.split(',')
          .map((id) => id.trim());
        if (ids?.some((id) => parseId(id) === undefined))
          throw new Open311Error(400, 'service_request_id must be a comma-separated list of numbers');
        const statusParam = text(input.status)
          ?.split(',')
          .map((s) => s.trim());
        if (statusParam?.some((s) => s !== 'open' && s !== 'closed'))
          throw new Open311Error(400, 'status must be open, closed, or both separated by a comma');
        const statuses: ReportStatus[] = [];
        if (statusParam?.includes('open')) statuses.push(...OPEN_STATUSES);
        if (statusParam?.includes('closed')) statuses.push(...CLOSED_STATUSES);
        const pageSize = positiveInt(input.page_size, 'page_size', 1000, 1000);
        const page = positiveInt(input.page, 'page', 1, 1_000_000);
        // service_request_id "overrides all other arguments" (GeoReport v2): the ids alone choose
        const filters = ids
          ? { ids: ids.map(Number) }
          : {
              ...(text(input.service_code)
                ? { categoryCodes: (text(input.service_code) as string).split(',').map((c) => c.trim()) }
                : {}),
              ...(statuses.length ? { statuses } : {}),
              ...requestedWindow(dateParam(input.start_date, 'start_date'), dateParam(input.end_date, 'end_date')),
            };
        const reports = await findReports(ctx.db, organisation.id, {
          ...filters,
          limit: pageSize,
          offset: (page - 1) * pageSize,
        });
        return send(reply, format, 'service_requests', 'request', await requestItems(reports, organisation));
      });

      scope.get('/requests/:file', async (request, reply) => {
        const { name: id, format } = splitFormat((request.params as { file: string }).file);
        const organisation = await jurisdiction(request);
        if (parseId(id) === undefined) throw new Open311Error(404, `service_request_id ${id} was not found`);
        const reports = await findReports(ctx.db, organisation.id, { ids: [Number(id)], limit: 1 });
        if (reports.length === 0) throw new Open311Error(404, `service_request_id ${id} was not found`);
        return send(reply, format, 'service_requests', 'request', await requestItems(reports, organisation));
      });

      scope.get('/tokens/:file', async (request, reply) => {
        const { name: token, format } = splitFormat((request.params as { file: string }).file);
        const organisation = await jurisdiction(request);
        const [report] = await findReports(ctx.db, organisation.id, { token, limit: 1 });
        if (!report) throw new Open311Error(404, `token ${token} was not found`);
        return send(reply, format, 'service_requests', 'request', [{ service_request_id: report.id, token }]);
      });

      // mySociety's extension: the public history of every report in a period
      scope.get('/servicerequestupdates.:format', async (request, reply) => {
        const { format } = splitFormat(`servicerequestupdates.${(request.params as { format: string }).format}`);
        const input = params(request);
        const organisation = await jurisdiction(request);
        const end = dateParam(input.end_date, 'end_date') ?? new Date();
        const start = dateParam(input.start_date, 'start_date') ?? new Date(end.getTime() - 86_400_000);
        const updates = await findPublicUpdates(
          ctx.db,
          organisation.id,
          start,
          end,
          positiveInt(input.page_size, 'page_size', 1000, 1000),
        );
        return send(
          reply,
          format,
          'service_request_updates',
          'request_update',
          updates.map((update) => ({
            update_id: update.id,
            service_request_id: update.reportId,
            status: update.isOpen ? 'open' : 'closed',
            updated_datetime: isoWithOffset(update.createdAt, organisation.timeZone),
            description: update.publicText ?? '',
            media_url: '',
          })),
        );
      });
    },
    { prefix: '/open311/v2' },
  );
}

const WINDOW_MS = 90 * 86_400_000;

/**
 * The requested_datetime range of a search, as GeoReport v2 says: "may not span more than 90 days", and
 * without dates the most recent 90 days. Only a start: the 90 days from it; only an end: the 90 days up to it.
 */
function requestedWindow(start: Date | undefined, end: Date | undefined): { createdFrom: Date; createdTo?: Date } {
  if (start && end) {
    if (end.getTime() < start.getTime()) throw new Open311Error(400, 'end_date must not be before start_date');
    if (end.getTime() - start.getTime() > WINDOW_MS)
      throw new Open311Error(400, 'start_date and end_date may not span more than 90 days');
    return { createdFrom: start, createdTo: end };
  }
  if (start) return { createdFrom: start, createdTo: new Date(start.getTime() + WINDOW_MS) };
  const to = end ?? new Date();
  return { createdFrom: new Date(to.getTime() - WINDOW_MS), ...(end ? { createdTo: end } : {}) };
}

import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../platform/auth/api-keys.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { apiErrors, SESSION } from '../../platform/http/api.ts';
import {
  findApiKeys,
  findAuditEntries,
  findDepartmentById,
  findDepartments,
  findUsers,
} from './administration.repository.ts';
import { authorizeAdministration } from './administration.policy.ts';
import {
  changeApiKeyQuota,
  createDepartment,
  issueApiKey,
  revokeApiKey,
  ROLES,
  setDepartmentArchived,
  updateDepartment,
  updatePerson,
  type FieldErrors,
  type Outcome,
} from './administration.use-cases.ts';

const Errors = apiErrors(400, 401, 403, 404);
const Translated = Type.Record(Type.String({ pattern: '^[a-z]{2}$' }), Type.String({ maxLength: 200 }), {
  description: 'Text by language code: { "en": "…", "it": "…" }',
});
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Page = {
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'Return entries with a smaller id (the next page)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
};
const SECURITY = SESSION;

const Scope = Type.Unsafe<ApiKeyScope>(
  Type.String({
    enum: [...API_KEY_SCOPES],
    description:
      'open311: submit reports through Open311; reports.read: read the staff report queues; reports.write: change reports; publishing.write: write draft posts',
  }),
);
const QuotaValue = Type.Union([Type.Integer({ minimum: 1, maximum: 100_000_000 }), Type.Null()]);
const Quota = Type.Object(
  {
    perHour: QuotaValue,
    perDay: QuotaValue,
  },
  { description: 'Requests the key may make per hour and per day; null is no limit in that window' },
);
const ApiKey = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(Scope),
  quota: Quota,
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const Department = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  name: Translated,
  email: Type.Union([Type.String(), Type.Null()]),
  archived: Type.Boolean(),
  memberCount: Type.Integer(),
});

/** Turns a use case's field errors into one VALIDATION_FAILED error naming each field. */
function unwrap<T>(request: FastifyRequest, outcome: Outcome<T>): T {
  if (outcome.ok) return outcome;
  const errors: FieldErrors = outcome.fields;
  const problems = Object.entries(errors).map(([field, code]) => ({ field, message: request.t(`error.${code}`) }));
  throw new AppError(
    'VALIDATION_FAILED',
    `The request is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join(' ')}`,
    { problems },
  );
}

/** The administration over JSON, for the same use cases as the pages (sessions only: API keys never administer). */
export function registerAdministrationApi(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/admin/api-keys',
    {
      schema: {
        operationId: 'listApiKeys',
        tags: ['administration'],
        summary: 'API keys of the city (never the keys themselves)',
        security: SECURITY,
        response: { 200: Type.Array(ApiKey), ...Errors },
      },
    },
    async (request) => {
      authorizeAdministration(request.viewer, 'manage-api-keys');
      const keys = await findApiKeys(ctx.db, request.organisation.id);
      return keys.map((key) => ({
        id: key.id,
        name: key.name,
        prefix: key.prefix,
        scopes: key.scopes,
        quota: { perHour: key.quota_per_hour, perDay: key.quota_per_day },
        createdAt: key.created_at.toISOString(),
        lastUsedAt: key.last_used_at?.toISOString() ?? null,
        revokedAt: key.revoked_at?.toISOString() ?? null,
      }));
    },
  );

  app.post(
    '/api/v1/admin/api-keys',
    {
      schema: {
        operationId: 'createApiKey',
        tags: ['administration'],
        summary: 'Create an API key; the key is in this answer only',
        security: SECURITY,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(Scope, {
              minItems: 1,
              uniqueItems: true,
              description: 'What the key may do; a key never administers the city',
            }),
            quota: Type.Optional(Quota),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Type.Integer(),
            name: Type.String(),
            prefix: Type.String(),
            scopes: Type.Array(Scope),
            quota: Quota,
            key: Type.String(),
            createdAt: Type.String({ format: 'date-time' }),
          }),
          ...Errors,
        },
      },
    },
    async (request, reply) => {
      const created = unwrap(
        request,
        await issueApiKey(
          ctx,
          request.viewer,
          request.organisation,
          request.body.name,
          request.body.scopes,
          request.body.quota,
        ),
      );
      reply.code(201).header('cache-control', 'no-store');
      return {
        id: created.id,
        name: created.name,
        prefix: created.prefix,
        scopes: created.scopes,
        quota: created.quota,
        key: created.key,
        createdAt: created.createdAt.toISOString(),
      };
    },
  );

  app.delete(
    '/api/v1/admin/api-keys/:id',
    {
      schema: {
        operationId: 'revokeApiKey',
        tags: ['administration'],
        summary: 'Revoke an API key',
        security: SECURITY,
        params: IdParams,
        response: { 204: Type.Null(), ...Errors },
      },
    },
    async (request, reply) => {
      await revokeApiKey(ctx, request.viewer, request.organisation, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/v1/admin/api-keys/:id/quota',
    {
      schema: {
        operationId: 'setApiKeyQuota',
        tags: ['administration'],
        summary: 'Change how many requests an API key may make per hour and per day',
        description: 'Counted from now on in the current windows; a request over the quota answers 429.',
        security: SECURITY,
        params: IdParams,
        body: Type.Object({ perHour: QuotaValue, perDay: QuotaValue }, { additionalProperties: false }),
        response: { 200: Quota, ...Errors },
      },
    },
    async (request) => {
      const quota = { perHour: request.body.perHour, perDay: request.body.perDay };
      await changeApiKeyQuota(ctx, request.viewer, request.organisation, request.params.id, quota);
      return quota;
    },
  );

  app.get(
    '/api/v1/admin/departments',
    {
      schema: {
        operationId: 'listDepartments',
        tags: ['administration'],
        summary: 'Departments of the city',
        security: SECURITY,
        response: { 200: Type.Array(Department), ...Errors },
      },
    },
    async (request) => {
      authorizeAdministration(request.viewer, 'manage-departments');
      const departments = await findDepartments(ctx.db, request.organisation.id);
      return departments.map((d) => ({
        id: d.id,
        slug: d.slug,
        name: d.name,
        email: d.email,
        archived: d.archivedAt !== null,
        memberCount: d.memberCount,
      }));
    },
  );

  app.post(
    '/api/v1/admin/departments',
    {
      schema: {
        operationId: 'createDepartment',
        tags: ['administration'],
        summary: 'Create a department',
        security: SECURITY,
        body: Type.Object(
          {
            slug: Type.String({ maxLength: 60 }),
            name: Translated,
            email: Type.Optional(Type.String({ maxLength: 254 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Department, ...Errors, ...apiErrors(409) },
      },
    },
    async (request, reply) => {
      const { id } = unwrap(
        request,
        await createDepartment(ctx, request.viewer, request.organisation, {
          slug: request.body.slug,
          name: request.body.name,
          email: request.body.email ?? '',
        }),
      );
      const department = await findDepartmentById(ctx.db, request.organisation.id, id);
      if (!department) throw new AppError('DEPARTMENT_NOT_FOUND');
      reply.code(201);
      return {
        id,
        slug: department.slug,
        name: department.name,
        email: department.email,
        archived: false,
        memberCount: 0,
      };
    },
  );

  app.patch(
    '/api/v1/admin/departments/:id',
    {
      schema: {
        operationId: 'updateDepartment',
        tags: ['administration'],
        summary: 'Rename, change the e-mail address of, archive or restore a department',
        security: SECURITY,
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Translated),
            email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])),
            archived: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Department, ...Errors },
      },
    },
    async (request) => {
      const { organisation, body } = request;
      authorizeAdministration(request.viewer, 'manage-departments');
      const current = await findDepartmentById(ctx.db, organisation.id, request.params.id);
      if (!current) throw new AppError('DEPARTMENT_NOT_FOUND');
      if (body.name !== undefined || body.email !== undefined) {
        const email = body.email === undefined ? (current.email ?? '') : (body.email ?? '');
        unwrap(
          request,
          await updateDepartment(ctx, request.viewer, organisation, current.id, {
            name: body.name ?? current.name,
            email,
          }),
        );
      }
      if (body.archived !== undefined)
        await setDepartmentArchived(ctx, request.viewer, organisation, current.id, body.archived);
      const d = await findDepartmentById(ctx.db, organisation.id, current.id);
      if (!d) throw new AppError('DEPARTMENT_NOT_FOUND');
      return {
        id: d.id,
        slug: d.slug,
        name: d.name,
        email: d.email,
        archived: d.archivedAt !== null,
        memberCount: d.memberCount,
      };
    },
  );

  const Person = Type.Object({
    id: Type.Integer(),
    displayName: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    role: Type.String(),
    departmentIds: Type.Array(Type.Integer()),
    createdAt: Type.String({ format: 'date-time' }),
  });
  app.get(
    '/api/v1/admin/users',
    {
      schema: {
        operationId: 'listUsers',
        tags: ['administration'],
        summary: 'People of the city, newest first',
        security: SECURITY,
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 200 })),
            role: Type.Optional(Type.Union(ROLES.map((role) => Type.Literal(role)))),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ users: Type.Array(Person), next: Type.Union([Type.Integer(), Type.Null()]) }),
          ...Errors,
        },
      },
    },
    async (request) => {
      authorizeAdministration(request.viewer, 'manage-people');
      const { q, role, before, limit = 50 } = request.query;
      const { users, hasMore } = await findUsers(ctx.db, request.organisation.id, { search: q, role, before, limit });
      return {
        users: users.map((u) => ({
          id: u.id,
          displayName: u.display_name,
          email: u.email,
          role: u.role,
          departmentIds: u.department_ids,
          createdAt: u.created_at.toISOString(),
        })),
        next: hasMore ? (users.at(-1)?.id ?? null) : null,
      };
    },
  );

  app.patch(
    '/api/v1/admin/users/:id',
    {
      schema: {
        operationId: 'updateUser',
        tags: ['administration'],
        summary: "Set a person's role and departments",
        security: SECURITY,
        params: IdParams,
        body: Type.Object(
          {
            role: Type.Union(ROLES.map((role) => Type.Literal(role))),
            departmentIds: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...Errors, ...apiErrors(409) },
      },
    },
    async (request, reply) => {
      await updatePerson(ctx, request.viewer, request.organisation, request.params.id, request.body);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/admin/audit',
    {
      schema: {
        operationId: 'listAuditEntries',
        tags: ['administration'],
        summary: 'The audit log, newest first',
        security: SECURITY,
        querystring: Type.Object(
          {
            action: Type.Optional(
              Type.String({ maxLength: 100, description: 'Prefix of the action, e.g. "department."' }),
            ),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            entries: Type.Array(
              Type.Object({
                id: Type.Integer(),
                at: Type.String({ format: 'date-time' }),
                actor: Type.Object({ id: Type.Union([Type.Integer(), Type.Null()]), label: Type.String() }),
                action: Type.String(),
                subject: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
                before: Type.Unknown({ description: 'The values before the change (null when none)' }),
                after: Type.Unknown({ description: 'The values after the change (null when none)' }),
              }),
            ),
            next: Type.Union([Type.Integer(), Type.Null()], { description: 'The `before` of the next page' }),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      authorizeAdministration(request.viewer, 'read-audit-log');
      const { action, before, limit = 50 } = request.query;
      const { entries, hasMore } = await findAuditEntries(ctx.db, request.organisation.id, { action, before, limit });
      return {
        entries: entries.map((e) => ({
          id: e.id,
          at: e.created_at.toISOString(),
          actor: { id: e.actor_user_id, label: e.actor_label },
          action: e.action,
          subject: { type: e.subject_type, id: e.subject_id },
          before: e.before,
          after: e.after,
        })),
        next: hasMore ? (entries.at(-1)?.id ?? null) : null,
      };
    },
  );
}

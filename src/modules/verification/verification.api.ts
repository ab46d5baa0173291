import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { ApiError, SESSION } from '../../platform/http/api.ts';
import { findVerification, type Verification } from './verification.repository.ts';
import { importCensus, verifyWithCensus } from './verification.use-cases.ts';

const Errors = { 400: ApiError, 401: ApiError, 403: ApiError };
const SECURITY = SESSION;
const VerificationStatus = Type.Object({
  level: Type.Union([Type.Literal('none'), Type.Literal('email'), Type.Literal('verified')]),
  method: Type.Union([
    Type.Literal('census'),
    Type.Literal('in_person'),
    Type.Literal('identity_provider'),
    Type.Null(),
  ]),
  birthYear: Type.Union([Type.Integer(), Type.Null()]),
  districtId: Type.Union([Type.Integer(), Type.Null()]),
  verifiedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

function status(emailConfirmed: boolean, verification: Verification | undefined) {
  return {
    level: verification ? ('verified' as const) : emailConfirmed ? ('email' as const) : ('none' as const),
    method: verification?.method ?? null,
    birthYear: verification?.birthYear ?? null,
    districtId: verification?.districtId ?? null,
    verifiedAt: verification?.verifiedAt.toISOString() ?? null,
  };
}

/** Census import for administrators, and a resident's own verification, over JSON. */
export function registerVerificationApi(app: App, ctx: AppContext): void {
  app.post(
    '/api/v1/admin/census',
    {
      bodyLimit: 10 * 1024 * 1024,
      schema: {
        operationId: 'importCensus',
        tags: ['verification'],
        summary: 'Import census rows (only a keyed hash of document number and birth date is stored)',
        description:
          'Send up to 50,000 rows per request. Rows already on the census keep their entry and get the district given. Birth dates as YYYY-MM-DD (DD/MM/YYYY is accepted too).',
        security: SECURITY,
        body: Type.Object(
          {
            rows: Type.Array(
              Type.Object(
                {
                  documentNumber: Type.String({ maxLength: 64 }),
                  birthDate: Type.String({ maxLength: 20 }),
                  districtCode: Type.Optional(Type.String({ maxLength: 60 })),
                },
                { additionalProperties: false },
              ),
              { maxItems: 50_000 },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            received: Type.Integer(),
            inserted: Type.Integer(),
            updated: Type.Integer(),
            rejected: Type.Array(Type.Object({ row: Type.Integer(), problem: Type.String() })),
          }),
          ...Errors,
        },
      },
    },
    async (request) => importCensus(ctx, request.viewer, request.organisation, request.body.rows),
  );

  app.get(
    '/api/v1/me/verification',
    {
      schema: {
        operationId: 'getMyVerification',
        tags: ['verification'],
        summary: 'Your verification level',
        security: SECURITY,
        response: { 200: VerificationStatus, ...Errors },
      },
    },
    async (request, reply) => {
      if (!request.viewer) throw new AppError('AUTHENTICATION_REQUIRED');
      reply.header('cache-control', 'no-store');
      return status(
        request.viewer.emailConfirmed,
        await findVerification(ctx.db, request.organisation.id, request.viewer.id),
      );
    },
  );

  app.post(
    '/api/v1/me/verification',
    {
      schema: {
        operationId: 'verifyMe',
        tags: ['verification'],
        summary: 'Verify your account against the census',
        security: SECURITY,
        body: Type.Object(
          { documentNumber: Type.String({ maxLength: 64 }), birthDate: Type.String({ maxLength: 20 }) },
          { additionalProperties: false },
        ),
        response: { 200: VerificationStatus, ...Errors, 409: ApiError, 422: ApiError, 429: ApiError },
      },
    },
    async (request) => {
      const outcome = await verifyWithCensus(ctx, request.viewer, request.organisation, request.body);
      if (!outcome.ok) throw new AppError(outcome.code);
      return status(true, outcome.verification);
    },
  );
}

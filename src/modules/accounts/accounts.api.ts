import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { apiErrors, SESSION } from '../../platform/http/api.ts';
import { declareBirthYear, exportPersonalData, readBirthYears } from './accounts.use-cases.ts';

const BirthYearJson = Type.Object({
  declared: Type.Union([Type.Integer(), Type.Null()], { description: 'The year the person declared' }),
  verified: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The year from their verification as a resident; it counts instead of the declared one',
  }),
});

/** The signed-in person's own account over the API. */
export function registerAccountApi(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/me',
    {
      schema: {
        operationId: 'getMe',
        tags: ['accounts'],
        summary: 'The signed-in account',
        security: SESSION,
        response: {
          200: Type.Object({
            id: Type.Integer(),
            displayName: Type.String(),
            email: Type.Union([Type.String(), Type.Null()]),
            role: Type.String(),
            language: Type.Union([Type.String(), Type.Null()]),
            departmentIds: Type.Array(Type.Integer()),
            birthYear: BirthYearJson,
            csrfToken: Type.String({ description: 'Send as X-CSRF-Token with writes made with this session' }),
          }),
          ...apiErrors(401),
        },
      },
    },
    async (request) => {
      const viewer = request.viewer;
      if (!viewer) throw new AppError(request.sessionToken ? 'SESSION_EXPIRED' : 'AUTHENTICATION_REQUIRED');
      return {
        id: viewer.id,
        displayName: viewer.displayName,
        email: viewer.email,
        role: viewer.role,
        language: viewer.language,
        departmentIds: viewer.departmentIds,
        birthYear: await readBirthYears(ctx, viewer),
        csrfToken: request.csrfToken,
      };
    },
  );

  app.put(
    '/api/v1/me/birth-year',
    {
      schema: {
        operationId: 'setBirthYear',
        tags: ['accounts'],
        summary: 'Declare (or remove, with null) the signed-in resident’s year of birth',
        description:
          'Processes open to an age group at the e-mail level judge age by this year (a year from a verification as a resident counts instead). ' +
          'Answers BIRTH_YEAR_INVALID for a year before 1880 or in the future. Needs the X-CSRF-Token header with a session.',
        security: SESSION,
        body: Type.Object({
          birthYear: Type.Union([Type.Integer({ minimum: 0, maximum: 9999 }), Type.Null()]),
        }),
        response: { 200: BirthYearJson, ...apiErrors(400, 401, 403) },
      },
    },
    async (request) => {
      const viewer = request.viewer;
      if (!viewer) throw new AppError(request.sessionToken ? 'SESSION_EXPIRED' : 'AUTHENTICATION_REQUIRED');
      const outcome = await declareBirthYear(ctx, viewer, request.body.birthYear);
      if (!outcome.ok) throw new AppError('BIRTH_YEAR_INVALID');
      return readBirthYears(ctx, viewer);
    },
  );

  app.get(
    '/api/v1/me/export',
    {
      schema: {
        operationId: 'exportMe',
        tags: ['accounts'],
        summary: 'Everything held about the signed-in account (GDPR export)',
        security: SESSION,
        response: {
          200: Type.Object(
            {},
            {
              additionalProperties: true,
              description: '`exportedAt`, the account, then what each module holds, under the module’s name',
            },
          ),
          ...apiErrors(401),
        },
      },
    },
    async (request) => {
      if (!request.viewer) throw new AppError(request.sessionToken ? 'SESSION_EXPIRED' : 'AUTHENTICATION_REQUIRED');
      return exportPersonalData(ctx, request.viewer);
    },
  );
}

import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { exportPersonalData } from './accounts.use-cases.ts';

const ErrorResponse = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });

/** The signed-in person's own account over the API. */
export function registerAccountApi(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['accounts'],
        summary: 'The signed-in account',
        security: [{ session: [] }],
        response: {
          200: Type.Object({
            id: Type.Integer(),
            displayName: Type.String(),
            email: Type.Union([Type.String(), Type.Null()]),
            role: Type.String(),
            language: Type.Union([Type.String(), Type.Null()]),
            departmentIds: Type.Array(Type.Integer()),
            csrfToken: Type.String({ description: 'Send as X-CSRF-Token with writes made with this session' }),
          }),
          401: ErrorResponse,
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
        csrfToken: request.csrfToken,
      };
    },
  );

  app.get(
    '/api/v1/me/export',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Everything held about the signed-in account (GDPR export)',
        security: [{ session: [] }],
      },
    },
    async (request) => {
      if (!request.viewer) throw new AppError(request.sessionToken ? 'SESSION_EXPIRED' : 'AUTHENTICATION_REQUIRED');
      return exportPersonalData(ctx, request.viewer);
    },
  );
}

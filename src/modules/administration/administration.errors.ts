import { defineErrors } from '../../platform/errors.ts';

/** Errors of the administration use cases; pages show them through the `error.<CODE>` message keys. */
export const administrationErrors = defineErrors({
  LAST_ADMIN: { status: 409, message: 'The city must keep at least one administrator.' },
  SLUG_TAKEN: { status: 409, message: 'Another department already uses this short name.' },
  DEPARTMENT_NOT_FOUND: { status: 404, message: 'There is no such department in this city.' },
  CITY_NOT_FOUND: { status: 404, message: 'There is no such city on this installation.' },
  API_KEY_NOT_FOUND: { status: 404, message: 'There is no such API key in this city.' },
});

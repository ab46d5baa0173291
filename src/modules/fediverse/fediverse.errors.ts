import { defineErrors } from '../../platform/errors.ts';

/** Errors of the fediverse: what a remote server or an administrator is told, each with a stable code. */
export const fediverseErrors = defineErrors({
  FEDIVERSE_ACTOR_NOT_FOUND: { status: 404, message: 'This city has no such fediverse account.' },
  FEDIVERSE_ACTIVITY_MALFORMED: {
    status: 400,
    message: 'The activity is not a JSON object with a type and an actor.',
  },
  FEDIVERSE_ACTIVITY_TOO_LARGE: { status: 413, message: 'The activity is larger than 256 kB.' },
  FEDIVERSE_SERVER_BLOCKED: { status: 403, message: 'This city does not federate with your server.' },
  FEDIVERSE_DOMAIN_INVALID: { status: 400, message: 'Give a server name such as example.social.' },
  FEDIVERSE_REMOTE_NOT_FOUND: {
    status: 404,
    message: 'No fediverse account was found at that address.',
  },
});

import { defineErrors } from '../../platform/errors.ts';

/** Codes of the editorial calendar, blackout periods, news pages and feeds. */
export const calendarErrors = defineErrors({
  PUBLISHING_BLACKOUT: {
    status: 409,
    message: 'Nothing can be scheduled in a blackout period (elections, mourning); choose another time.',
  },
  PUBLISHING_BLACKOUT_INVALID: {
    status: 400,
    message: 'A blackout period needs a first day, a last day on or after it, and a reason in at least one language.',
  },
  PUBLISHING_BLACKOUT_NOT_FOUND: { status: 404, message: 'There is no such blackout period.' },
  PUBLISHING_CALENDAR_INVALID: {
    status: 400,
    message:
      'The calendar takes view=month|week|agenda, a date YYYY-MM-DD and ids of a department, campaign or channel kind.',
  },
  PUBLISHING_CALENDAR_MOVE_INVALID: { status: 400, message: 'Give the new date and time as YYYY-MM-DDTHH:MM.' },
  PUBLISHING_CALENDAR_MOVE_IN_PAST: { status: 409, message: 'A post cannot be moved to a time already past.' },
  PUBLISHING_CALENDAR_NOT_MOVABLE: {
    status: 409,
    message: 'This post cannot be moved: it is published, being published or withdrawn.',
  },
  PUBLISHING_CALENDAR_POST_NOT_FOUND: { status: 404, message: 'There is no such post in this city.' },
  PUBLISHING_FEED_LANGUAGE: { status: 400, message: 'The lang parameter must be one of the city’s languages.' },
  PUBLISHING_FEED_NOT_FOUND: { status: 404, message: 'There is no department or campaign with this name.' },
});

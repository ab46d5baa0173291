import { defineErrors } from '../../platform/errors.ts';

/**
 * Errors of participation, each with a stable code. A refused action stores nothing; pages explain each
 * code through `participation.error.<CODE>`.
 */
export const participationErrors = defineErrors({
  PROCESS_NOT_FOUND: { status: 404, message: 'There is no such participatory process in this city.' },
  PROCESS_PHASE_NOT_FOUND: { status: 404, message: 'This process has no such phase.' },
  PROPOSAL_NOT_FOUND: { status: 404, message: 'There is no such proposal.' },
  DEBATE_NOT_FOUND: { status: 404, message: 'There is no such debate.' },
  COMMENT_NOT_FOUND: { status: 404, message: 'There is no such comment.' },
  PARTICIPATION_CLOSED: { status: 409, message: 'The current phase of this process does not allow this.' },
  PARTICIPATION_EMAIL_NOT_CONFIRMED: { status: 403, message: 'Confirm your e-mail address to take part.' },
  PARTICIPATION_NOT_VERIFIED: {
    status: 403,
    message: 'Only verified residents may take part in this process. Verify your account first.',
  },
  PARTICIPATION_BIRTH_YEAR_MISSING: {
    status: 403,
    message:
      'This process is for an age group: tell us your year of birth (in your account, or through PUT /api/v1/me/birth-year) to take part.',
  },
  PARTICIPATION_AGE_NOT_ELIGIBLE: { status: 403, message: 'Your age does not allow you to take part in this process.' },
  PARTICIPATION_DISTRICT_NOT_ELIGIBLE: {
    status: 403,
    message: 'Only residents of the districts of this process may take part.',
  },
  PROPOSAL_SUPPORT_CLOSED: { status: 409, message: 'This proposal no longer collects supports.' },
  PROPOSAL_OWN_SUPPORT: { status: 403, message: 'Authors cannot support their own proposal.' },
  PROPOSAL_NOT_WITHDRAWABLE: {
    status: 409,
    message: 'Only the author may withdraw a proposal, and only before the city has answered it.',
  },
  PROPOSAL_INVALID: { status: 400, message: 'The proposal is not valid.' },
  COMMENT_INVALID: { status: 400, message: 'The comment is not valid.' },
  COMMENT_SUBJECT_UNKNOWN: {
    status: 400,
    message: 'Comments can be about a proposal, a debate, a report or a budget project only.',
  },
  COMMENT_HIDDEN: { status: 409, message: 'This comment has been hidden by a moderator.' },
  COMMENT_OWN_VOTE: { status: 403, message: 'Authors cannot vote on their own comment.' },
  MEETING_NOT_FOUND: { status: 404, message: 'There is no such meeting.' },
  MEETING_FULL: { status: 409, message: 'This meeting is full: every place has been taken.' },
  MEETING_REGISTRATION_CLOSED: { status: 409, message: 'Registration is closed: the meeting has already started.' },
  MEETING_NOT_HELD_YET: { status: 409, message: 'Minutes can only be published once the meeting has started.' },
  PLAN_TOO_LARGE: { status: 413, message: 'The plan file is larger than 2 MB.' },
  PLAN_NOT_JSON: { status: 400, message: 'The plan file is not valid JSON.' },
  PLAN_NOT_FEATURE_COLLECTION: { status: 400, message: 'The plan must be a GeoJSON FeatureCollection of Features.' },
  PLAN_EMPTY: { status: 400, message: 'The plan has no features.' },
  PLAN_TOO_MANY_FEATURES: { status: 400, message: 'The plan has more than 2,000 features.' },
  PLAN_GEOMETRY_TYPE: {
    status: 400,
    message:
      'A feature of the plan has no geometry, or one other than Point, LineString, Polygon or their Multi- forms.',
  },
  PLAN_COORDINATES: {
    status: 400,
    message:
      'A feature of the plan has coordinates out of range or malformed (longitude −180 to 180, latitude −90 to 90, closed polygon rings).',
  },
});

export type ParticipationErrorCode = keyof typeof participationErrors;

/** The codes an eligibility or phase check can refuse with. */
export type ParticipationRefusal =
  | 'PARTICIPATION_CLOSED'
  | 'PARTICIPATION_EMAIL_NOT_CONFIRMED'
  | 'PARTICIPATION_NOT_VERIFIED'
  | 'PARTICIPATION_BIRTH_YEAR_MISSING'
  | 'PARTICIPATION_AGE_NOT_ELIGIBLE'
  | 'PARTICIPATION_DISTRICT_NOT_ELIGIBLE';

import { defineErrors } from '../../platform/errors.ts';

/** Errors of publishing, each with a stable code. */
export const publishingErrors = defineErrors({
  PUBLISHING_POST_NOT_FOUND: { status: 404, message: 'This city has no such post.' },
  PUBLISHING_POST_INVALID: { status: 400, message: 'The post cannot be saved; correct the fields named.' },
  PUBLISHING_CURSOR_INVALID: {
    status: 400,
    message: 'The cursor is not one this list gave: follow the `next` link of the previous page, or start without one.',
  },
  PUBLISHING_FIELD_UNKNOWN: {
    status: 400,
    message: 'fields= names a field posts do not have: the fields are listed in the API document (/api/docs).',
  },
  PUBLISHING_POST_NOT_EDITABLE: {
    status: 409,
    message: 'The post can no longer be changed here: it is being published or was published.',
  },
  PUBLISHING_POST_HAS_PROBLEMS: {
    status: 422,
    message: 'The post does not fit one of its destinations (too long, a picture without alternative text…).',
  },
  PUBLISHING_NOT_IN_REVIEW: { status: 409, message: 'The post is not waiting for approval.' },
  PUBLISHING_OWN_POST: { status: 403, message: 'The author of a post cannot approve it (four eyes).' },
  PUBLISHING_NOT_APPROVER: { status: 403, message: 'You are not an approver of this step.' },
  PUBLISHING_REVIEW_LINK_INVALID: { status: 404, message: 'This review link does not exist.' },
  PUBLISHING_REVIEW_LINK_EXPIRED: { status: 410, message: 'This review link has expired; ask for a new one.' },
  PUBLISHING_EMERGENCY_NOT_STARTED: { status: 409, message: 'No emergency publication waits for confirmation.' },
  PUBLISHING_EMERGENCY_EXPIRED: {
    status: 409,
    message: 'The emergency publication was not confirmed within 15 minutes; start it again.',
  },
  PUBLISHING_EMERGENCY_SAME_PERSON: {
    status: 403,
    message: 'A second member of staff must confirm an emergency publication.',
  },
  PUBLISHING_DESTINATION_NOT_FOUND: { status: 404, message: 'This city has no such destination.' },
  PUBLISHING_DESTINATION_INVALID: {
    status: 400,
    message: 'The destination cannot be saved; correct the fields named.',
  },
  PUBLISHING_DELIVERY_NOT_FOUND: { status: 404, message: 'This post has no such delivery.' },
  PUBLISHING_DELIVERY_NOT_FAILED: { status: 409, message: 'Only a failed delivery can be tried again.' },
  PUBLISHING_POST_NOT_PUBLISHED: {
    status: 409,
    message: 'Only a published post can be corrected or withdrawn; a post not yet out is edited as usual.',
  },
  PUBLISHING_WITHDRAW_REASON_REQUIRED: {
    status: 400,
    message: 'Say why the post is withdrawn (kept in the post’s history and the audit log).',
  },
  PUBLISHING_CAMPAIGN_NOT_FOUND: { status: 404, message: 'This city has no such campaign.' },
  PUBLISHING_CAMPAIGN_INVALID: { status: 400, message: 'The campaign cannot be saved; correct the fields named.' },
  PUBLISHING_MEDIA_INVALID: {
    status: 400,
    message: 'The picture cannot be added: a JPEG, PNG or WebP image of at most 5 MB, with its alternative text.',
  },
});

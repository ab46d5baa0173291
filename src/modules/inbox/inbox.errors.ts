import { defineErrors } from '../../platform/errors.ts';

/** Errors of the inbox and its channels, each with a stable code. */
export const inboxErrors = defineErrors({
  INBOX_CHANNEL_NOT_FOUND: { status: 404, message: 'This city has no such channel.' },
  INBOX_CONVERSATION_NOT_FOUND: { status: 404, message: 'There is no such conversation in the inbox.' },
  INBOX_MESSAGE_NOT_FOUND: { status: 404, message: 'There is no such message in the inbox.' },
  INBOX_CHANNEL_CANNOT_REPLY: {
    status: 409,
    message: 'Answers cannot be sent on this channel; contact the person another way.',
  },
  INBOX_REPLY_EMPTY: { status: 400, message: 'Write an answer before sending it.' },
  INBOX_REPLY_TOO_LONG: { status: 400, message: 'The answer is too long for this channel.' },
  INBOX_WEBHOOK_SIGNATURE: { status: 401, message: 'The webhook signature or secret is missing or wrong.' },
  INBOX_WEBHOOK_PAYLOAD: { status: 400, message: 'The webhook payload is not in the expected format.' },
  INBOX_WEBHOOK_TIMESTAMP: {
    status: 401,
    message:
      'The X-Timestamp header is missing or more than 5 minutes away from now; sign again with the current time.',
  },
  INBOX_IMPORT_TOO_LARGE: {
    status: 413,
    message: 'The file is larger than the import limit of 5 MB; split it into smaller files.',
  },
  INBOX_IMPORT_FORMAT: {
    status: 400,
    message: 'The file cannot be imported: it is not a CSV or JSON export with a text column.',
  },
  INBOX_CODE_NOT_FOUND: { status: 404, message: 'The code book has no such code.' },
  INBOX_AUTHOR_NOT_FOUND: { status: 404, message: 'The inbox has no such person.' },
  INBOX_ERASE_NOT_CONFIRMED: { status: 400, message: 'Tick the box to confirm the erasure; it cannot be undone.' },
  INBOX_SETTINGS_INVALID: { status: 400, message: 'The retention period or the first-response goal is out of range.' },
  INBOX_TOPIC_INVALID: {
    status: 400,
    message: 'A topic needs a key of lower-case letters, digits, dashes or underscores and a name.',
  },
  INBOX_ALERT_NOT_FOUND: { status: 404, message: 'There is no such open alert.' },
  INBOX_CHANNEL_DISABLED: { status: 404, message: 'This channel is switched off.' },
  INBOX_CONTACT_EMAIL_INVALID: { status: 400, message: 'Give an e-mail address we can answer to.' },
  INBOX_CONTACT_MESSAGE_REQUIRED: { status: 400, message: 'Write your message.' },
  INBOX_CONTACT_TOO_LONG: { status: 400, message: 'A field is longer than allowed.' },
  INBOX_CONTACT_DISTRICT_UNKNOWN: { status: 400, message: 'There is no such district in this city.' },
  INBOX_ASSIGNEE_INVALID: {
    status: 400,
    message: 'This person cannot be assigned: not staff, or not in the chosen department.',
  },
  INBOX_DEPARTMENT_NOT_FOUND: { status: 400, message: 'There is no such department.' },
  INBOX_LABEL_INVALID: { status: 400, message: 'Unknown sentiment or topic.' },
  INBOX_ALREADY_LINKED: { status: 409, message: 'This conversation is already linked to a report.' },
  INBOX_PROPOSAL_LINKED: { status: 409, message: 'This conversation is already linked to a proposal.' },
  INBOX_TEMPLATE_NOT_FOUND: { status: 404, message: 'There is no such answer template.' },
  INBOX_TEMPLATE_INVALID: {
    status: 400,
    message: 'Give the template a name (up to 120 characters) and at least one text.',
  },
  INBOX_ANSWER_COLLISION: {
    status: 409,
    message: 'Messages arrived in this conversation since you opened it; read them and send again to confirm.',
  },
  INBOX_NOTE_EMPTY: { status: 400, message: 'Write the note before saving it.' },
  INBOX_NOTE_TOO_LONG: { status: 400, message: 'A note can be at most 5,000 characters long.' },
  INBOX_VIEW_INVALID: { status: 400, message: 'Give the view a name of up to 80 characters.' },
});

import { Type } from 'typebox';
import { Id } from '../../platform/validation.ts';
import {
  Checkbox,
  FormText,
  MultilineText,
  perLanguages,
  translatedFields,
  TrimmedText,
} from '../../platform/web/forms.ts';

/**
 * The inbox pages' HTML form bodies (inbox.schema.ts holds the table types). Texts a person types are
 * trimmed where the pages always trimmed them; the use cases check what each must hold.
 */

/** The public contact form. */
export const ContactFormSchema = Type.Object({
  name: TrimmedText(),
  email: TrimmedText(),
  district: TrimmedText(),
  place: TrimmedText(),
  message: TrimmedText(),
});

/** Erasing a person's data: the box ticked to confirm. */
export const EraseAuthorForm = Type.Object({ confirm: FormText() });

/** A reply template: its name and its text in each of the city's languages. */
export const TemplateForm = perLanguages((languages) =>
  Type.Object({ name: FormText(), ...translatedFields('text', languages) }),
);

/** Archive (`1`) or restore a template. */
export const ArchiveTemplateForm = Type.Object({ archived: TrimmedText() });

/** How long messages are kept and the first-response goal. */
export const InboxSettingsForm = Type.Object({
  retentionDays: Type.Optional(Type.Number()),
  firstResponseGoalHours: Type.Optional(Type.Number()),
});

/** A topic: its key (new topics only), its names and keywords per language, its department. */
export const TopicForm = perLanguages((languages) =>
  Type.Object({
    key: FormText(),
    ...translatedFields('name', languages),
    ...translatedFields('keywords', languages),
    departmentId: Type.Optional(Id),
  }),
);

/** Switch a channel on (`yes`) or off. */
export const ChannelSwitchForm = Type.Object({ enabled: FormText() });

/** A code of the code book. */
export const CodeForm = Type.Object({ name: FormText(), description: FormText(), parentId: Type.Optional(Id) });

/** The codes applied to a message (unknown ones are refused by the page) and where to go back to. */
export const MessageCodesForm = Type.Object({ code: Type.Array(Type.String()), back: FormText() });

/** An answer, perhaps from a template. */
export const AnswerForm = Type.Object({
  text: FormText(),
  templateId: Type.Optional(Id),
  /** The last message the page showed (0: none); a message arrived since asks to confirm. */
  seen: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
});

/** Who a conversation is assigned to: a department, a person, or nobody. */
export const AssignForm = Type.Object({ departmentId: Type.Optional(Id), assigneeId: Type.Optional(Id) });

/** Done (`1`) or reopened. */
export const ConversationStatusForm = Type.Object({ done: TrimmedText() });

/** A message's sentiment and topic, relabelled by staff. */
export const RelabelForm = Type.Object({ sentiment: TrimmedText(), topic: TrimmedText() });

/** Turning a message into a participation proposal. */
export const ToProposalForm = Type.Object({
  message: TrimmedText(),
  process: TrimmedText(),
  title: TrimmedText(),
  body: TrimmedText(),
  category: TrimmedText(),
  districtId: TrimmedText(),
  lat: TrimmedText(),
  lng: TrimmedText(),
  showName: TrimmedText(),
});

/**
 * A channel's settings (staff): its name and the fields its adapter asks for, named by `fieldId`
 * (different per adapter), each kept as typed (tokens and passwords are not trimmed). Built once per
 * adapter's list of field names.
 */
export const ChannelForm = perLanguages((fieldIds) =>
  Type.Object({ name: FormText(), ...Object.fromEntries(fieldIds.map((id) => [id, FormText()])) }),
);

/**
 * A file to import (multipart): the uploaded file (passed through as the upload hook left it), or text
 * pasted with a file name; for the import itself, the channel chosen (an id, or `new`) and a new channel's name.
 */
export const ImportForm = Type.Object({
  file: Type.Optional(Type.Unknown()),
  content: FormText(),
  fileName: FormText(),
  channelId: FormText(),
  newChannelName: FormText(),
});

/** The inbox's filters, in its address or in a saved view (kept as text to show them again). */
const filterFields = {
  status: TrimmedText(),
  channel: TrimmedText(),
  language: TrimmedText(),
  sentiment: TrimmedText(),
  topic: TrimmedText(),
  district: TrimmedText(),
  assignee: TrimmedText(),
  department: TrimmedText(),
  delivery: TrimmedText(),
  from: TrimmedText(),
  to: TrimmedText(),
  q: TrimmedText(),
};

/** The inbox's filters and the page after a cursor (`after`), from its address. */
export const InboxQuery = Type.Object({ ...filterFields, after: TrimmedText() });

/** Saving the current filters as a named view. */
export const SavedViewForm = Type.Object({ ...filterFields, name: TrimmedText() });

/** The message a conversation page, a proposal or a report starts from, or a template to answer with, in the address. */
export const MessageQuery = Type.Object({ message: TrimmedText(), template: TrimmedText() });

/**
 * A report from a message. The answers to the category's questions have names of their own and are
 * read by the reports module (`answersFromForm`); `step` is `questions` when only the questions were asked for.
 */
export const ToReportForm = Type.Object({
  message: TrimmedText(),
  category: TrimmedText(),
  lat: TrimmedText(),
  lng: TrimmedText(),
  address: TrimmedText(),
  description: MultilineText(),
  step: TrimmedText(),
});

/** An internal note for the team. */
export const NoteForm = Type.Object({ note: FormText() });

/** A staff member's inbox preferences. */
export const PreferencesForm = Type.Object({
  notifyNewMessage: Checkbox(),
  emailNewMessage: Checkbox(),
  emailAssignment: Checkbox(),
  emailMention: Checkbox(),
  shortcuts: Checkbox(),
});

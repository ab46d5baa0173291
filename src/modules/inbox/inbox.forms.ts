import { Type } from 'typebox';
import { Id } from '../../platform/validation.ts';
import { FormText, perLanguages, translatedFields, TrimmedText } from '../../platform/web/forms.ts';

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
export const AnswerForm = Type.Object({ text: FormText(), templateId: Type.Optional(Id) });

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

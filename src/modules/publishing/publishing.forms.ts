import { Type } from 'typebox';
import {
  Checkbox,
  ChosenId,
  FormText,
  IdList,
  MultilineText,
  perLanguages,
  translatedFields,
  TrimmedText,
  type FormSchema,
} from '../../platform/web/forms.ts';

/** The post editor: texts per language, variants per chosen destination and language, the schedule. */
const postForms = new Map<string, FormSchema>();
export function postForm(languages: readonly string[], destinationIds: readonly number[]): FormSchema {
  const key = `${languages.join(',')}|${destinationIds.join(',')}`;
  let schema = postForms.get(key);
  if (!schema) {
    schema = Type.Object({
      ...translatedFields('title', languages),
      ...Object.fromEntries(languages.map((language) => [`body_${language}`, MultilineText()])),
      ...translatedFields('warning', languages),
      ...Object.fromEntries(
        destinationIds.flatMap((id) => languages.map((language) => [`variant_${id}_${language}`, MultilineText()])),
      ),
      departmentId: Type.Optional(ChosenId()),
      campaignId: Type.Optional(ChosenId()),
      destinationIds: IdList(),
      schedule: Type.Union([Type.Literal('now'), Type.Literal('at')], { default: 'now' }),
      scheduledDay: Type.Optional(Type.String({ format: 'date' })),
      scheduledTime: Type.Optional(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' })),
      pinnedDay: Type.Optional(Type.String({ format: 'date' })),
      pinnedTime: Type.Optional(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' })),
    });
    postForms.set(key, schema);
  }
  return schema;
}

export const CommentForm = Type.Object({ comment: MultilineText({ maxLength: 5000 }) });

/** Withdrawing a published post: why (required by the use case, which says so in the page). */
export const WithdrawForm = Type.Object({ reason: Type.Optional(MultilineText({ maxLength: 1000 })) });

export const ReviewLinkForm = Type.Object({
  reviewerName: TrimmedText({ maxLength: 200 }),
  days: Type.Integer({ minimum: 1, maximum: 30, default: 7 }),
});

export const ReviewDecisionForm = Type.Object({
  comment: MultilineText({ maxLength: 5000 }),
  decision: Type.Union([Type.Literal('comment'), Type.Literal('approved'), Type.Literal('changes_requested')]),
});

export const altForm = perLanguages((languages) =>
  Type.Object({ ...translatedFields('alt', languages), file: Type.Optional(Type.Unknown()) }),
);

export const CampaignForm = perLanguages((languages) =>
  Type.Object({
    ...translatedFields('name', languages),
    ...translatedFields('goal', languages),
    slug: TrimmedText({ maxLength: 80 }),
    startsOn: Type.Optional(Type.String({ format: 'date' })),
    endsOn: Type.Optional(Type.String({ format: 'date' })),
    hashtags: TrimmedText({ maxLength: 500 }),
    utmSource: TrimmedText({ maxLength: 100 }),
    utmMedium: TrimmedText({ maxLength: 100 }),
    utmCampaign: TrimmedText({ maxLength: 100 }),
  }),
);

export const StepsForm = Type.Object({
  departmentId: Type.Optional(ChosenId()),
  names: Type.Array(TrimmedText({ maxLength: 200 })),
  approverDepartments: Type.Array(Type.String({ maxLength: 12 })),
  approverEmails: Type.Array(TrimmedText({ maxLength: 2000 })),
});

export const DestinationForm = Type.Object({
  kind: TrimmedText({ maxLength: 100 }),
  name: TrimmedText({ maxLength: 200 }),
  departmentId: Type.Optional(ChosenId()),
  inboxChannelId: Type.Optional(ChosenId()),
  enabled: Checkbox(),
});

export { FormText };

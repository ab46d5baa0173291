import { Type } from 'typebox';
import { FormText, MultilineText, perLanguages } from '../../platform/web/forms.ts';

/** The interstitial's form: the versions the resident was shown, and where to go back to. */
export const AcceptForm = Type.Object({
  next: FormText(),
  privacy: Type.Optional(Type.Integer({ minimum: 0 })),
  conduct: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** A text to publish: one text area per city language (`text_<lang>`), and whether to preview or publish. */
export const LegalTextForm = perLanguages((languages) =>
  Type.Object({
    ...Object.fromEntries(languages.map((language) => [`text_${language}`, MultilineText()])),
    intent: Type.Union([Type.Literal('preview'), Type.Literal('publish')]),
  }),
);

import { Type } from 'typebox';
import { Checkbox, FormText, perLanguages, translatedFields, TrimmedText } from '../../platform/web/forms.ts';
import { KPIS } from './kpis.ts';

const Amount = () => Type.Optional(Type.Number({ minimum: -1e9, maximum: 1e9 }));

/** A criterion of the communication index. */
export const CriterionFormSchema = perLanguages((languages) =>
  Type.Object({
    key: TrimmedText({ maxLength: 40 }),
    weight: Amount(),
    source: TrimmedText({ maxLength: 10 }),
    kpi: TrimmedText({ maxLength: 60 }),
    floor: Amount(),
    target: Amount(),
    ...translatedFields('labels', languages),
  }),
);

/** The targets of the indicators, what is published, the snapshot period and the template shared with others. */
export const SettingsFormSchema = Type.Object({
  template: TrimmedText({ maxLength: 40 }),
  periodKind: Type.Union([Type.Literal('month'), Type.Literal('quarter')]),
  publishIndex: Checkbox(),
  ...Object.fromEntries(KPIS.map((kpi) => [`target-${kpi.code}`, Amount()])),
  ...Object.fromEntries(KPIS.map((kpi) => [`publish-${kpi.code}`, Checkbox()])),
});

export const SnapshotFormSchema = Type.Object({ period: FormText({ maxLength: 10 }) });

/** What a template's variables stand for in one conversation. */
export interface TemplateValues {
  /** The resident's name as the channel gave it. */
  name: string;
  /** The report the conversation was filed as, if any. */
  report_number: string;
  /** The department the conversation is assigned to, named in the conversation's language. */
  department: string;
}

const VARIABLE = /\{(name|report_number|department)\}/g;

/** A template's text with `{name}`, `{report_number}` and `{department}` replaced; other braces are left as they are. */
export function fillTemplate(text: string, values: TemplateValues): string {
  return text.replace(VARIABLE, (_whole, key: keyof TemplateValues) => values[key]);
}

/**
 * The template a staff member typed the name of (or picked by id): the same name ignoring case, else the
 * only name that starts with what was typed.
 */
export function templateByName<T extends { id: number; name: string }>(templates: T[], typed: string): T | undefined {
  const text = typed.trim().toLocaleLowerCase();
  if (text === '') return undefined;
  if (/^\d{1,9}$/.test(text)) {
    const byId = templates.find((tpl) => tpl.id === Number(text));
    if (byId) return byId;
  }
  const exact = templates.find((tpl) => tpl.name.toLocaleLowerCase() === text);
  if (exact) return exact;
  const starting = templates.filter((tpl) => tpl.name.toLocaleLowerCase().startsWith(text));
  return starting.length === 1 ? starting[0] : undefined;
}

import { Type, type Static, type TProperties, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Translated } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { MessageKey, Translate } from '../i18n/translate.ts';
import { MAX_ID, parseId, withStorableIntegers } from '../validation.ts';

export { parseId };

/**
 * Reading posted HTML forms through TypeBox schemas, the same kind of schema the JSON API validates
 * with. A form arrives as text (urlencoded, or multipart with `attachFieldsToBody: 'keyValues'`), so
 * before validation each declared field is coerced to its schema's type:
 *
 * - text: a repeated field gives its first value; a multipart text part sent as a Buffer is read as
 *   UTF-8; trimmed only when the schema says `trim: true` (passwords and the like are not); CRLF line
 *   breaks read as LF when it says `lineFeeds: true` (`MultilineText`);
 * - integers and numbers: decimal text (trimmed; a number may have a decimal comma) becomes a
 *   number, anything else stays text and is refused with `invalid`;
 * - booleans (checkboxes): true for `yes`, `on`, `true` or `1`, false otherwise or when absent;
 * - arrays (checkbox lists, multiple selects): a field sent once is a one-element list, an absent one
 *   an empty list; each item is coerced as above;
 * - an optional field left empty is absent from the value; an absent text field with a default
 *   (`FormText`, `TrimmedText`: '') reads as that default.
 *
 * Fields the schema does not declare (the CSRF token, buttons) are left out of the value; anything
 * else (file parts) is passed through as it is, for the schema to accept (`Type.Unknown()`).
 */

/** What went wrong with one field: the page turns the code into its text. */
export type FieldErrorCode = 'required' | 'too-short' | 'too-long' | 'too-many' | 'email' | 'out-of-range' | 'invalid';

/** One field's error: the field's name (as in the form) and what is wrong with it. */
export interface FieldError {
  field: string;
  code: FieldErrorCode;
}

/**
 * The outcome of reading a form: its typed value, or one error per faulty field together with the
 * fields as read (coerced where they could be), to show the form again with what was typed.
 */
export type FormOutcome<T> =
  { ok: true; value: T } | { ok: false; errors: FieldError[]; input: { readonly [K in keyof T]?: unknown } };

/** A form schema: an object whose properties are the form's fields. */
export interface FormSchema extends TSchema {
  type: 'object';
  properties: TProperties;
  required?: string[];
}

type FieldSchema = TSchema & {
  type?: string | string[];
  choice?: boolean;
  trim?: boolean;
  lineFeeds?: boolean;
  items?: FieldSchema;
  anyOf?: FieldSchema[];
  const?: unknown;
  default?: unknown;
};

const validators = new WeakMap<TSchema, ReturnType<typeof Compile>>();

function validatorFor(schema: TSchema): ReturnType<typeof Compile> {
  let validator = validators.get(schema);
  if (!validator) {
    // integers without bounds of their own hold in a PostgreSQL `integer`, as in the API
    validator = Compile(withStorableIntegers(schema));
    validators.set(schema, validator);
  }
  return validator;
}

const TRUE_VALUES = new Set(['yes', 'on', 'true', '1']);

/** The kind of value a field holds, looking through unions of literals (`'a' | 'b'` selects). */
function kindOf(schema: FieldSchema): string {
  if (typeof schema.type === 'string') return schema.type;
  if (schema.anyOf?.length) {
    const kinds = new Set(schema.anyOf.map(kindOf));
    if (kinds.size === 1) return [...kinds][0] ?? 'unknown';
  }
  if (typeof schema.const === 'string') return 'string';
  if (typeof schema.const === 'number') return 'number';
  return 'unknown';
}

/** A single posted value as text (the first of a repeated field; a multipart Buffer as UTF-8), or undefined. */
function single(raw: unknown): unknown {
  const first = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
  return Buffer.isBuffer(first) ? first.toString('utf8') : first;
}

function coerceScalar(schema: FieldSchema, raw: unknown): unknown {
  const value = single(raw);
  switch (kindOf(schema)) {
    case 'string':
      if (typeof value !== 'string') return value;
      if (schema.lineFeeds) return value.replace(/\r\n/g, '\n');
      return schema.trim ? value.trim() : value;
    case 'integer':
    case 'number': {
      if (typeof value !== 'string') return value;
      // A decimal comma is read as a point where a fraction is allowed ('12,5' → 12.5).
      const text = kindOf(schema) === 'number' ? value.trim().replace(/^(-?\d+),(\d+)$/, '$1.$2') : value.trim();
      return /^-?\d+(\.\d+)?$/.test(text) && text.length <= 20 ? Number(text) : text;
    }
    case 'boolean':
      return typeof value === 'string' && TRUE_VALUES.has(value.trim().toLowerCase());
    default:
      return raw;
  }
}

function coerceField(schema: FieldSchema, raw: unknown): unknown {
  if (raw === undefined && typeof schema.default === 'string') return schema.default;
  if (kindOf(schema) === 'array') {
    const list = Array.isArray(raw) ? (raw as unknown[]) : raw === undefined ? [] : [raw];
    const items = schema.items ?? {};
    return list.map((item) => coerceScalar(items, item));
  }
  if (kindOf(schema) === 'boolean') return coerceScalar(schema, raw);
  if (raw === undefined) return undefined;
  return coerceScalar(schema, raw);
}

/** The posted fields coerced to the schema's types, before validation. */
export function coerceForm(schema: FormSchema, body: unknown): Record<string, unknown> {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const required = new Set(schema.required ?? []);
  const value: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    const coerced = coerceField(property, fields[name]);
    if (coerced === undefined) continue;
    if (coerced === '' && !required.has(name)) continue;
    value[name] = coerced;
  }
  return value;
}

function codeOf(error: { keyword: string; params: object }): FieldErrorCode {
  const params = error.params as { limit?: number; format?: string };
  switch (error.keyword) {
    case 'required':
      return 'required';
    case 'minLength':
    case 'minItems':
      return (params.limit ?? 0) <= 1 ? 'required' : 'too-short';
    case 'maxLength':
      return 'too-long';
    case 'maxItems':
      return 'too-many';
    case 'format':
      return params.format === 'email' ? 'email' : 'invalid';
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return 'out-of-range';
    default:
      return 'invalid';
  }
}

/**
 * One error per field, in the schema's order of fields. Each field is checked on its own (TypeBox's
 * error list for a whole object can leave out an optional field's error when a required one is missing).
 */
function fieldErrors(schema: FormSchema, value: Record<string, unknown>): FieldError[] {
  const required = new Set(schema.required ?? []);
  const errors: FieldError[] = [];
  for (const [field, property] of Object.entries(schema.properties)) {
    if (!(field in value)) {
      if (required.has(field)) errors.push({ field, code: 'required' });
      continue;
    }
    const [first] = validatorFor(property).Errors(value[field]);
    if (first) errors.push({ field, code: codeOf(first) });
  }
  return errors;
}

/**
 * Reads a posted form (urlencoded or multipart) through its schema: the typed value, or the field
 * errors. Pages call it once per submission: `const form = readForm(Schema, request.body)`.
 */
export function readForm<S extends FormSchema>(schema: S, body: unknown): FormOutcome<Static<S>> {
  const value = coerceForm(schema, body);
  if (validatorFor(schema).Check(value)) return { ok: true, value: value as Static<S> };
  return { ok: false, errors: fieldErrors(schema, value), input: value };
}

/**
 * The fields of a form that were read correctly: all of them when it was valid, otherwise those
 * without an error. For a page whose use case reports a field left empty and a field filled in wrongly
 * alike, or that shows the form again.
 */
export function validFields<T>(form: FormOutcome<T>): Partial<T> {
  if (form.ok) return form.value;
  const faulty = new Set(form.errors.map((error) => error.field));
  return Object.fromEntries(Object.entries(form.input).filter(([field]) => !faulty.has(field))) as Partial<T>;
}

/**
 * For a page whose use case checks numbers itself (and names the field): the form's value with every
 * number field the schema refused (text that is not a number) set to NaN, for the use case to refuse
 * together with its other checks. A refused `ChosenId`, or field of any other kind, means a body no page
 * sends (400).
 */
export function withNumbersAsNaN<S extends FormSchema>(schema: S, form: FormOutcome<Static<S>>): Static<S> {
  if (form.ok) return form.value;
  const value: Record<string, unknown> = { ...form.input };
  const other: FieldError[] = [];
  for (const error of form.errors) {
    const property = schema.properties[error.field];
    const kind = property ? kindOf(property) : 'unknown';
    if ((kind === 'integer' || kind === 'number') && !isChoice(property)) value[error.field] = Number.NaN;
    else other.push(error);
  }
  if (other.length > 0) throw invalidForm(other);
  return value as Static<S>;
}

/** Whether a field is a `ChosenId` (looking through Type.Optional and unions). */
function isChoice(schema: FieldSchema | undefined): boolean {
  return schema?.choice === true || (schema?.anyOf ?? []).some(isChoice);
}

/**
 * The id of a thing chosen in a select (a process, a heading, a district): a positive 32-bit
 * integer. Unlike a number typed in, anything else is a form no page sends, so `withNumbersAsNaN`
 * refuses it (400) instead of handing NaN to a use case that would look it up.
 */
export function ChosenId() {
  return Type.Integer({ minimum: 1, maximum: MAX_ID, choice: true });
}

/** A text field as sent (not trimmed: passwords, tokens); absent reads as ''. */
export function FormText(options: { minLength?: number; maxLength?: number } = {}) {
  return Type.String({ default: '', ...options });
}

/** A text field trimmed before validation (what a resident types in a text input); absent reads as ''. */
export function TrimmedText(options: { minLength?: number; maxLength?: number } = {}) {
  return Type.String({ default: '', ...options, trim: true });
}

/**
 * A multi-line text (a textarea) kept as typed, with the browser's CRLF line breaks read as LF (answers
 * keep their spacing); absent reads as ''.
 */
export function MultilineText(options: { minLength?: number; maxLength?: number } = {}) {
  return Type.String({ default: '', ...options, lineFeeds: true });
}

/**
 * The error for a form that cannot have come from the page (a field of the wrong type, a list
 * where one value is expected): 400 with the field errors, as the API answers.
 */
export function invalidForm(errors: readonly FieldError[]): AppError {
  return new AppError('VALIDATION_FAILED', undefined, { fields: errors });
}

/** A checkbox (or a hidden yes/no): true when sent as `yes`, `on`, `true` or `1`. */
export function Checkbox() {
  return Type.Boolean();
}

/** A list of ids (checkboxes, a multiple select): a field sent once is a one-element list. */
export function IdList() {
  return Type.Array(Type.Integer({ minimum: 1, maximum: 2_147_483_647 }));
}

/** The `<prefix>_<lang>` text fields of a staff-written text, one per language, as schema properties (absent: ''). */
export function translatedFields(prefix: string, languages: readonly string[]): TProperties {
  return Object.fromEntries(languages.map((language) => [`${prefix}_${language}`, FormText()]));
}

/** The `<prefix>_<lang>` fields of a read form gathered into one translated text ('' where absent). */
export function translatedValue(value: object, prefix: string, languages: readonly string[]): Translated {
  const fields = value as Record<string, unknown>;
  return Object.fromEntries(
    languages.map((language) => {
      const text = fields[`${prefix}_${language}`];
      return [language, typeof text === 'string' ? text : ''];
    }),
  );
}

/**
 * A form schema that depends on the city's languages, built once per set of languages (so its
 * validator is compiled once too).
 */
export function perLanguages<S extends FormSchema>(build: (languages: readonly string[]) => S) {
  const built = new Map<string, S>();
  return (languages: readonly string[]): S => {
    const key = languages.join(',');
    let schema = built.get(key);
    if (!schema) {
      schema = build(languages);
      built.set(key, schema);
    }
    return schema;
  };
}

/**
 * Field errors as the texts a page shows beside its fields: `messages` gives, per field, the message
 * for each code (or one message for every code); a field without one gets `fallback`.
 */
export function fieldErrorTexts(
  t: Translate,
  errors: readonly FieldError[],
  messages: Record<string, MessageKey | Partial<Record<FieldErrorCode, MessageKey>>>,
  fallback: MessageKey = 'error.VALIDATION_FAILED',
): Record<string, string> {
  return Object.fromEntries(
    errors.map(({ field, code }) => {
      const message = messages[field];
      const key = typeof message === 'string' ? message : (message?.[code] ?? fallback);
      return [field, t(key)];
    }),
  );
}

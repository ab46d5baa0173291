import { Type } from 'typebox';
import { MultilineText, TrimmedText } from '../../platform/web/forms.ts';

/** "This plate is broken": the visitor's note (optional). */
export const BrokenForm = Type.Object({ note: MultilineText({ maxLength: 1000 }) });

/** A short code typed from a plate. */
export const CodeQuery = Type.Object({ code: TrimmedText({ maxLength: 20 }) });

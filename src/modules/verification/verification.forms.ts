import { Type } from 'typebox';
import { Id } from '../../platform/validation.ts';
import { FormText } from '../../platform/web/forms.ts';

/**
 * The verification pages' HTML form bodies. What each field must hold (a census entry, a date, a
 * known district) is checked by the use cases, which name the field.
 */

/** A resident checking themselves against the census, and where to go back to. */
export const CensusVerificationForm = Type.Object({
  documentNumber: FormText(),
  birthDate: FormText(),
  next: FormText(),
});

/** Staff verifying a resident in person; the district may be left unchosen. */
export const InPersonVerificationForm = Type.Object({
  email: FormText(),
  documentNumber: FormText(),
  birthDate: FormText(),
  districtId: Type.Optional(Id),
});

/**
 * The census: a file (multipart, read as text) or CSV pasted into the text area. The file part is
 * text because the route's multipart parser keeps files as Buffers, read as UTF-8.
 */
export const CensusImportForm = Type.Object({ file: FormText(), csv: FormText() });

import { Type } from 'typebox';
import { LANGUAGE_CODES } from '../../platform/i18n/languages.ts';
import { FormText, IdList, perLanguages, translatedFields, TrimmedText } from '../../platform/web/forms.ts';

/**
 * The administration pages' HTML form bodies. The use cases check what each field must hold and name
 * the field; these schemas give the fields their types.
 */

export const ApiKeyForm = Type.Object({ name: FormText(), scopes: Type.Array(Type.String()) });

/** The city settings: names and taglines in every language the platform has (one may be switched on). */
export const CitySettingsForm = Type.Object({
  ...translatedFields('name', LANGUAGE_CODES),
  ...translatedFields('tagline', LANGUAGE_CODES),
  languages: Type.Array(Type.String()),
  defaultLanguage: FormText(),
  timeZone: TrimmedText(),
  lat: Type.Optional(Type.Number()),
  lng: Type.Optional(Type.Number()),
  zoom: Type.Optional(Type.Number()),
  primaryColor: TrimmedText(),
});

/** A new department: its short name, its name in the city's languages and its e-mail address. */
export const NewDepartmentForm = perLanguages((languages) =>
  Type.Object({ slug: FormText(), ...translatedFields('name', languages), email: FormText() }),
);

/** A department's name and e-mail address. */
export const DepartmentForm = perLanguages((languages) =>
  Type.Object({ ...translatedFields('name', languages), email: FormText() }),
);

/** Archive (`yes`, or nothing) or restore (`no`) a department. */
export const ArchiveDepartmentForm = Type.Object({
  archived: Type.Optional(Type.Union([Type.Literal('yes'), Type.Literal('no')])),
});

export const DepartmentMemberForm = Type.Object({ memberEmail: FormText() });

/** A person's role (checked by the use case) and departments. */
export const PersonForm = Type.Object({ role: FormText(), departmentIds: IdList() });

/** A city's own street map tiles (the installation's page); the use case checks each field. */
export const MapTilesForm = Type.Object({ tileUrl: TrimmedText(), attribution: TrimmedText(), maxZoom: TrimmedText() });

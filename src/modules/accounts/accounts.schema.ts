import { Type } from 'typebox';
import { Checkbox, FormText } from '../../platform/web/forms.ts';

/**
 * The account pages' HTML form bodies. Fields are read as sent (the use cases trim and check them, and
 * passwords are never trimmed); what a field must hold is checked by the use case, which names the field.
 */

export const SignUpForm = Type.Object({
  email: FormText(),
  displayName: FormText(),
  password: FormText(),
  acceptTerms: Checkbox(),
});

export const EmailForm = Type.Object({ email: FormText() });

export const SignInForm = Type.Object({ email: FormText(), password: FormText(), next: FormText() });

export const NewPasswordForm = Type.Object({ token: FormText(), password: FormText() });

export const ProfileForm = Type.Object({ displayName: FormText(), language: FormText() });

export const BirthYearForm = Type.Object({ birthYear: FormText(), next: FormText() });

export const DeleteAccountForm = Type.Object({ deletePassword: FormText(), removeContent: Checkbox() });

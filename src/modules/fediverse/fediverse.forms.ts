import { Type } from 'typebox';
import { MultilineText, TrimmedText } from '../../platform/web/forms.ts';

/** An actor's profile fields, as administrators edit them. */
export const ProfileForm = Type.Object({
  address: MultilineText(),
  openingHours: MultilineText(),
  accessibility: MultilineText(),
});

/** A server to block or unblock (defederate). */
export const DomainForm = Type.Object({ domain: TrimmedText() });

/** An account for one of the city's actors to follow (`@news@other.city`). */
export const FollowForm = Type.Object({ handle: TrimmedText(), account: TrimmedText() });

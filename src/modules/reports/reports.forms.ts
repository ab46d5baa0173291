import { Type } from 'typebox';
import { TrimmedText } from '../../platform/web/forms.ts';

/**
 * HTML form bodies of the report pages (reports.schema.ts holds the table types). The new-report form
 * is read in pages/new-report.pages.ts.
 */

/**
 * A resident's update on a report, sent as multipart: text, "still there" and photos. The photo parts
 * are passed through as the multipart parser left them, for `readPhotos` to check.
 */
export const ReportUpdateForm = Type.Object({
  text: TrimmedText(),
  stillThere: TrimmedText(),
  photos: Type.Optional(Type.Unknown()),
});

/** Following new reports in a district, a category or a map area. */
export const NewReportsSubscriptionForm = Type.Object({
  district: TrimmedText(),
  category: TrimmedText(),
  bbox: TrimmedText(),
});

/** Unsubscribing with the token from an e-mail. */
export const UnsubscribeForm = Type.Object({ token: TrimmedText() });

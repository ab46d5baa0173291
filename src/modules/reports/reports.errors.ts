import { defineErrors } from '../../platform/errors.ts';

export const reportErrors = defineErrors({
  REPORT_NOT_FOUND: { status: 404, message: 'There is no such report.' },
  REPORT_INVALID_LOCATION: {
    status: 400,
    message: 'The location must be a latitude from -90 to 90 and a longitude from -180 to 180.',
  },
  REPORT_OUTSIDE_CITY: { status: 400, message: 'This place is outside the city. Choose a place within its districts.' },
  REPORT_UNKNOWN_CATEGORY: { status: 400, message: 'There is no such category.' },
  REPORT_DESCRIPTION_REQUIRED: { status: 400, message: 'Describe the problem.' },
  REPORT_DESCRIPTION_TOO_LONG: { status: 400, message: 'The description must have at most 4,000 characters.' },
  REPORT_MISSING_ANSWER: { status: 400, message: 'A required question of this category is not answered.' },
  REPORT_INVALID_ANSWER: { status: 400, message: 'An answer does not fit its question.' },
  REPORT_INVALID_EMAIL: { status: 400, message: 'The e-mail address is not valid.' },
  PHOTO_NOT_IMAGE: { status: 400, message: 'A photo must be a JPEG, PNG or WebP image.' },
  PHOTO_TOO_LARGE: { status: 413, message: 'A photo must be at most 5 MB.' },
  PHOTO_TOO_MANY_PIXELS: {
    status: 400,
    message: 'A photo may have at most 40 megapixels (for example 7,700 × 5,200 pixels). Choose a smaller copy of it.',
  },
});

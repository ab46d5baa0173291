import { defineErrors } from '../../platform/errors.ts';

/** Errors of the city guide; pages explain them through `guide.error.<CODE>`. */
export const guideErrors = defineErrors({
  GUIDE_PLACE_NOT_FOUND: { status: 404, message: 'There is no such place in the city guide.' },
  GUIDE_TOUR_NOT_FOUND: { status: 404, message: 'There is no such tour in the city guide.' },
  GUIDE_CODE_NOT_FOUND: { status: 404, message: 'No stop has this code; check the code printed on the plate.' },
  GUIDE_POSITION_INVALID: {
    status: 400,
    message: 'The position must be a latitude between -90 and 90 and a longitude between -180 and 180.',
  },
  GUIDE_REPORT_UNAVAILABLE: {
    status: 409,
    message: 'This stop cannot be reported here: the city has no report category for it; use the report form.',
  },
  GUIDE_ALT_REQUIRED: { status: 400, message: 'A photo needs a text alternative describing it.' },
});

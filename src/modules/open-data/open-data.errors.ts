import { defineErrors } from '../../platform/errors.ts';

/** Errors of the open-data pages and files. */
export const openDataErrors = defineErrors({
  OPEN_DATA_NOT_FOUND: {
    status: 404,
    message:
      'There is no such dataset or file. The list of datasets is at /open-data, the catalogue at /open-data/catalog.ttl.',
  },
  OPEN_DATA_FORMAT_NOT_OFFERED: {
    status: 404,
    message: 'This dataset has no place for its rows, so it is not offered as GeoJSON: use its CSV or JSON file.',
  },
  OPEN_DATA_CURSOR_INVALID: {
    status: 400,
    message:
      'The cursor is not one this dataset gave: follow the `next` link of the previous page, or start without one.',
  },
  OPEN_DATA_FIELD_UNKNOWN: {
    status: 400,
    message: 'fields= names a field this dataset does not have: the fields are listed at /api/v1/datasets.',
  },
});

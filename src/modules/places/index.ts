import type { ModuleManifest } from '../../platform/module.ts';
import { placesFirstSteps } from './places.first-steps.ts';
import * as placesMigration from './migrations/20261123_0100_places.ts';
import * as districtVersionMigration from './migrations/20261207_0100_places_district_version.ts';
import * as addressesMigration from './migrations/20261218_0100_places_addresses.ts';
import { registerGeocodeApi } from './geocode.api.ts';
import { seedPlaces } from './places.demo.ts';
import { registerPlacesRoutes } from './places.routes.ts';

export {
  findDistricts,
  findDistrictsAt,
  findDistrictsWithGeometry,
  isPointInCity,
  type District,
  type DistrictWithGeometry,
} from './places.repository.ts';
export { importDistricts } from './import-districts.ts';
export { importAddressFile, importAddresses, readAddressFile } from './import-addresses.ts';
export { importStreets } from './import-streets.ts';
export { geocoderFor, type GeocodeCandidate, type Geocoder } from './geocoder.ts';
export { countAddresses, findStreetNames } from './addresses.repository.ts';
export { findStreetLines, type StreetLine } from './streets.repository.ts';
export { saveGeocoderSetting, type GeocoderProvider } from './geocoder.repository.ts';
export {
  boundingBox,
  containsPoint,
  ringArea,
  ringOverlapsGeometry,
  ringSelfIntersects,
  rewind,
  type PolygonGeometry,
  type Position,
} from './geometry.ts';
export { districtsModified, pagePublicDistricts } from './open-data.repository.ts';
import type catalogue from './locales/en.json';

/**
 * Places: districts and neighbourhoods, the point-in-district lookup every module uses, GeoJSON for maps.
 * In SQL, `places_districts_version(city)` is a number that changes with any write to the city's
 * districts: a module keeping outlines in memory compares it to know whether its copy is current.
 */
export const placesModule: ModuleManifest = {
  name: 'places',
  apiTags: [
    {
      name: 'places',
      description:
        'Districts and neighbourhoods of the city: names, populations, outlines (GeoJSON) and which contain a point; address search and reverse geocoding.',
    },
  ],
  locales: new URL('./locales/', import.meta.url),
  migrations: {
    '20261123_0100_places': placesMigration,
    '20261207_0100_places_district_version': districtVersionMigration,
    '20261218_0100_places_addresses': addressesMigration,
  },
  routes: (app, ctx) => {
    registerPlacesRoutes(app, ctx);
    registerGeocodeApi(app, ctx);
  },
  navigation: [{ href: '/districts', label: 'site.districts' }],
  firstSteps: placesFirstSteps,
  demo: { order: 0, seed: (ctx, organisation) => seedPlaces(ctx, organisation) },
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    places: typeof catalogue;
  }
}

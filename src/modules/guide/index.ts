import type { ModuleManifest } from '../../platform/module.ts';
import { guideErrors } from './guide.errors.ts';
import { seedGuide } from './guide.demo.ts';
import * as extensionsMigration from './migrations/20261219_0400_guide_extensions.ts';
import * as placesMigration from './migrations/20261219_0410_guide_places.ts';
import * as toursMigration from './migrations/20261219_0420_guide_tours.ts';
import * as eventsMigration from './migrations/20261219_0430_guide_events.ts';
import { registerEventPages } from './pages/events.pages.ts';
import { registerNearPages } from './pages/near.pages.ts';
import { registerPlacePages } from './pages/places.pages.ts';
import { registerGuideAssets } from './pages/shared.ts';
import { registerTourPages } from './pages/tours.pages.ts';
import type catalogue from './locales/en.json';

export { guidePlacesModified, pagePublicGuidePlaces } from './places.repository.ts';

/**
 * City guide: places of interest (texts with an easy-to-read version, photos with alt text, audio with
 * transcript, opening hours, accessibility, OpenStreetMap ids, schema.org JSON-LD), tours (printable,
 * GPX and GeoJSON, offline pack), "near me" with a plate's short code and QR code (/g/AB12), a broken
 * plate reported through reports, events in an iCalendar feed. GeoJSON at /guide/places.geojson.
 */
export const guideModule: ModuleManifest = {
  name: 'guide',
  locales: new URL('./locales/', import.meta.url),
  errors: [guideErrors],
  migrations: {
    '20261219_0400_guide_extensions': extensionsMigration,
    '20261219_0410_guide_places': placesMigration,
    '20261219_0420_guide_tours': toursMigration,
    '20261219_0430_guide_events': eventsMigration,
  },
  async routes(app, ctx) {
    registerGuideAssets(app);
    await registerPlacePages(app, ctx);
    registerTourPages(app, ctx);
    registerNearPages(app, ctx);
    registerEventPages(app, ctx);
  },
  navigation: [{ href: '/guide', label: 'guide.nav' }],
  demo: { order: 65, seed: seedGuide },
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    guide: typeof catalogue;
  }
}

import type { ModuleManifest } from '../../platform/module.ts';
import { seedCity } from './city.demo.ts';
import { registerCityPages } from './city.pages.ts';
import * as newsMigration from './migrations/20261123_0200_city_news.ts';
import type catalogue from './locales/en.json';

/** The city's public front: home page (with the other modules' sections) and news. */
export const cityModule: ModuleManifest = {
  name: 'city',
  locales: new URL('./locales/', import.meta.url),
  migrations: { '20261123_0200_city_news': newsMigration },
  routes: registerCityPages,
  navigation: [
    { href: '/', label: 'site.home' },
    { href: '/news', label: 'site.news' },
  ],
  demo: { order: 10, seed: seedCity },
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    city: typeof catalogue;
  }
}

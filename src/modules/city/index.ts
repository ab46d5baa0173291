import type { ModuleManifest } from '../../platform/module.ts';
import { seedCity } from './city.demo.ts';
import { registerCityPages } from './city.pages.ts';
import * as newsMigration from './migrations/20261123_0200_city_news.ts';

/** The city's public front: home page (with the other modules' sections) and news. */
export const cityModule: ModuleManifest = {
  name: 'city',
  migrations: { '20261123_0200_city_news': newsMigration },
  routes: registerCityPages,
  navigation: [
    { href: '/', label: 'site.home' },
    { href: '/news', label: 'site.news' },
  ],
  demo: { order: 10, seed: seedCity },
};

import { readFileSync } from 'node:fs';
import type platformCatalogueTexts from './locales/en.json';

/**
 * Interface strings: each module owns a catalogue, one i18next JSON v4 file per language in its own
 * `locales/` folder (`en.json`, `it.json`, …), and hands the folder to the platform in its manifest
 * (`locales`). The platform's own strings (layout, generic errors) are in `./locales/`. All
 * catalogues are merged into one table per language when the platform starts; a key is owned by
 * exactly one catalogue.
 *
 * The format (see docs/ARCHITECTURE.md, "Interface strings"): flat keys, `{{name}}` placeholders and
 * CLDR plural forms as `<key>_one`, `<key>_few`, `<key>_other`… chosen by the `count` parameter, which
 * is what Weblate ("i18next JSON file v4") and Crowdin ("i18next JSON") open natively.
 */

/**
 * The English catalogue of each module, by module name, as types: each module adds its own entry from
 * its index.ts (`declare module '…/catalogues.ts' { interface ModuleCatalogues { reports: typeof
 * import('./locales/en.json', …) } }`), so that message keys are checked by the type checker without
 * the platform importing any module.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ModuleCatalogues {}

/** The CLDR plural categories, as i18next v4 suffixes. */
export const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
export type PluralCategory = (typeof PLURAL_CATEGORIES)[number];

/** A catalogue key without its plural suffix: `reports.count_one` and `reports.count_other` are `reports.count`. */
export type BaseKey<K extends string> = K extends
  `${infer B}_zero` | `${infer B}_one` | `${infer B}_two` | `${infer B}_few` | `${infer B}_many` | `${infer B}_other`
  ? B
  : K;

/** Every message key of the platform and of the modules that declared their catalogue. */
export type MessageKey =
  | BaseKey<Extract<keyof typeof platformCatalogueTexts, string>>
  | { [M in keyof ModuleCatalogues]: BaseKey<Extract<keyof ModuleCatalogues[M], string>> }[keyof ModuleCatalogues];

/** One language's strings of one or all catalogues: keys (with plural suffixes) to texts. */
export type Catalogue = Record<string, string>;

/** A folder of `<language>.json` files and who owns it. */
export interface CatalogueSource {
  name: string;
  folder: URL;
}

/** The platform's own catalogue. */
export const platformCatalogue: CatalogueSource = { name: 'platform', folder: new URL('./locales/', import.meta.url) };

/** Reads one `<language>.json`; undefined when the folder has no file for that language. */
function readCatalogueFile(source: CatalogueSource, language: string): Catalogue | undefined {
  const file = new URL(`${language}.json`, source.folder);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${file.pathname}: a catalogue is a JSON object of keys to texts`);
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new Error(`${file.pathname}: "${key}" is not a text`);
  }
  return parsed as Catalogue;
}

/**
 * Reads every source's file for each language and merges them into one table per language. A
 * language without a file in some folder simply lacks those texts (English is shown instead); a key
 * defined by two catalogues is an error, so a module cannot change another's words by accident.
 */
export function readCatalogues(
  sources: readonly CatalogueSource[],
  languages: readonly string[],
): Map<string, Catalogue> {
  const merged = new Map<string, Catalogue>();
  for (const language of languages) {
    const table: Catalogue = {};
    const ownerOf = new Map<string, string>();
    for (const source of sources) {
      for (const [key, text] of Object.entries(readCatalogueFile(source, language) ?? {})) {
        const owner = ownerOf.get(key);
        if (owner) throw new Error(`Message "${key}" (${language}) is defined by both ${owner} and ${source.name}`);
        ownerOf.set(key, source.name);
        table[key] = text;
      }
    }
    merged.set(language, table);
  }
  return merged;
}

let installed: Map<string, Catalogue> | undefined;

/** Makes these catalogues the ones every translator reads (done once when the platform's modules load). */
export function installCatalogues(catalogues: Map<string, Catalogue>): void {
  installed = catalogues;
}

/** The merged strings of a language (empty for a language without any file). */
export function catalogueOf(language: string): Catalogue {
  if (!installed)
    throw new Error('Interface strings are not loaded yet: import src/main.ts (it loads every catalogue)');
  return installed.get(language) ?? {};
}

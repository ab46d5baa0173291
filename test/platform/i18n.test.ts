import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CATALOGUE_SOURCES } from '../../src/main.ts';
import { readCatalogues, type Catalogue, type CatalogueSource } from '../../src/platform/i18n/catalogues.ts';
import { LANGUAGE_CODES } from '../../src/platform/i18n/languages.ts';
import { intlLocale, pluralBase, translator } from '../../src/platform/i18n/translate.ts';

/**
 * Checks every catalogue (the platform's and each module's `locales/<language>.json`) in every
 * interface language against its English file: i18next JSON v4, the same keys in the same order, exactly
 * the plural forms the language's CLDR rules have, the same `{{placeholders}}`, the same line breaks, no
 * empty text (unless the English one is), no English text left over by copy-paste, and no informal form
 * of address where the language has a formal one.
 */

const others = LANGUAGE_CODES.filter((code) => code !== 'en');

/** One catalogue file as it is on disk (not merged), so that a problem is named with its file. */
function readFile(source: CatalogueSource, language: string): Catalogue {
  return JSON.parse(readFileSync(new URL(`${language}.json`, source.folder), 'utf8')) as Catalogue;
}

/** The plural categories of a language by CLDR, as `Intl.PluralRules` knows them. */
function categoriesOf(language: string): string[] {
  return [...new Intl.PluralRules(intlLocale(language)).resolvedOptions().pluralCategories].sort();
}

/** A catalogue's messages by key with plural suffixes folded: key → { '': text } or { one: …, other: … }. */
function messagesOf(catalogue: Catalogue): Map<string, Record<string, string>> {
  const messages = new Map<string, Record<string, string>>();
  for (const [key, text] of Object.entries(catalogue)) {
    const base = pluralBase(key);
    const form = base === key ? '' : key.slice(base.length + 1);
    messages.set(base, { ...messages.get(base), [form]: text });
  }
  return messages;
}

/**
 * Keys whose text may be exactly the English text in a language: names, acronyms and words the language
 * uses unchanged (for example the German “Administration”). Anything else equal to English is a leftover.
 */
const SAME_AS_ENGLISH: Record<string, readonly string[]> = {
  it: ['site.home', 'form.password', 'reports.card.in', 'reports.new.no', 'budgets.admin.district'],
  ro: [
    'role.moderator',
    'role.admin',
    'reports.filter.district',
    'reports.page.district',
    'verification.district',
    'budgets.heading.district',
    'budgets.project.cost',
    'inbox.listening.negativeShare',
  ],
  pt: [
    'participation.process.debateCount',
    'admin.organisation.lat',
    'admin.organisation.lng',
    'reports.new.lat',
    'reports.new.lng',
  ],
  hu: [],
  nl: [
    'budgets.list.count',
    'site.home',
    'role.moderator',
    'admin.outbox.status',
    'reports.filter.status',
    'reports.card.in',
    'reports.page.status',
    'reports.page.answers',
    'reports.staff.status.openGroup',
    'reports.staff.categories.code',
    'budgets.results.project',
    'budgets.followUp.status',
    'budgets.admin.status',
    'inbox.codes.nav',
    'inbox.codes.book',
    'inbox.codes.name',
  ],
  es: ['reports.new.no', 'participation.process.debateCount'],
  fr: [
    'site.admin',
    'admin.title',
    'admin.organisation.lat',
    'admin.organisation.lng',
    'admin.audit.action',
    'admin.actions',
    'admin.pagination',
    'reports.new.lat',
    'reports.new.lng',
    'reports.new.photos',
    'reports.page.photos',
    'reports.staff.report.description',
    'reports.staff.categories.description',
    'reports.staff.categories.code',
    'reports.staff.categories.questions',
    'reports.staff.categories.questionN',
    'reports.staff.categories.type.datetime',
    'reports.staff.routing.actions',
    'budgets.admin.description',
    'budgets.admin.milestoneDate',
    'inbox.listening.messages',
    'inbox.codes.nav',
    'inbox.codes.book',
    'inbox.codes.name',
    'inbox.codes.description',
    'inbox.codes.actions',
  ],
  et: ['reports.staff.queue.number'],
  bg: [],
  de: [
    'site.admin',
    'admin.title',
    'admin.departments.name',
    'admin.users.name',
    'admin.outbox.status',
    'reports.filter.status',
    'reports.card.in',
    'reports.page.status',
    'reports.staff.moderation.title',
    'reports.staff.categories.name',
    'reports.staff.categories.code',
    'budgets.followUp.status',
    'budgets.admin.phase',
    'budgets.admin.status',
    'inbox.listening.sentiment.neutral',
    'inbox.codes.nav',
    'inbox.codes.book',
    'inbox.codes.name',
    'inbox.people.person',
  ],
};

/** Words that address the reader informally; the interface uses the formal register (Sie, vous, usted…). */
const INFORMAL: Partial<Record<string, RegExp>> = {
  de: /(?<!\p{L})(du|dich|dir|dein|deine|deinen|deinem|deiner|deines)(?!\p{L})/iu,
  fr: /(?<!\p{L})(tu|toi|ton|ta|tes)(?!\p{L})/iu,
  es: /(?<!\p{L})(tú|tu|tus|te|ti|contigo)(?!\p{L})/iu,
  it: /(?<!\p{L})(tu|tuo|tua|tuoi|tue|ti|hai)(?!\p{L})/iu,
  pt: /(?<!\p{L})(tu|teu|tua|teus|tuas|te|ti|contigo)(?!\p{L})/iu,
  nl: /(?<!\p{L})(je|jij|jou|jouw)(?!\p{L})/iu,
  ro: /(?<!\p{L})(tu|tău|ta|tale|tăi|te|ți)(?!\p{L})/iu,
  hu: /(?<!\p{L})(te|téged|neked|tiéd|veled)(?!\p{L})/iu,
  et: /(?<!\p{L})(sina|sa|sinu|su|sind|sulle|sinul)(?!\p{L})/iu,
  bg: /(?<!\p{L})(ти|теб|тебе|твой|твоя|твоето|твоите|твоят)(?!\p{L})/iu,
};

/** The `{{name}}` placeholders of a text, sorted and without duplicates. */
function placeholders(text: string): string[] {
  return [...new Set(text.match(/\{\{\w+\}\}/g) ?? [])].sort();
}

/** How many line breaks a text has (mail bodies keep their paragraph layout). */
function lineBreaks(text: string): number {
  return text.split('\n').length - 1;
}

describe('catalogues', () => {
  test('each module and the platform own a catalogue; no key is defined twice', () => {
    assert.deepEqual(
      CATALOGUE_SOURCES.map((source) => source.name),
      [
        'platform',
        'city',
        'places',
        'accounts',
        'legal',
        'administration',
        'reports',
        'verification',
        'budgets',
        'participation',
        'opinion-maps',
        'inbox',
        'publishing',
        'newsletter',
        'fediverse',
        'open-data',
        'resident-content',
        'insights',
        'webhooks',
        'identity-providers',
        'guide',
        'surveys',
      ],
    );
    // readCatalogues refuses a key defined by two catalogues: the platform loaded, so none is
    const [platform, city] = CATALOGUE_SOURCES;
    assert.ok(platform && city);
    assert.throws(() => readCatalogues([city, { ...city, name: 'copy' }], ['en']), /is defined by both city and copy/);
  });

  test('the platform holds no module’s strings', () => {
    const [source] = CATALOGUE_SOURCES;
    assert.equal(source?.name, 'platform');
    const platform = Object.keys(readFile(source, 'en'));
    const modulePrefixes =
      /^(reports|budgets|verification|participation|inbox|admin|news|districts|signUp|signIn|confirm|reset|account)\./;
    assert.deepEqual(
      platform.filter((key) => modulePrefixes.test(key)),
      [],
    );
  });

  test('English plural messages have exactly the forms one and other, and every count is a plural', () => {
    for (const source of CATALOGUE_SOURCES) {
      for (const [key, forms] of messagesOf(readFile(source, 'en'))) {
        const names = Object.keys(forms).sort();
        if (names.includes('')) {
          assert.deepEqual(names, [''], `${source.name} ${key}: both a plain text and plural forms`);
          assert.ok(!forms['']?.includes('{{count}}'), `${source.name} ${key}: a count outside a plural message`);
        } else assert.deepEqual(names, ['one', 'other'], `${source.name} ${key}`);
      }
    }
  });
});

for (const code of others) {
  describe(`interface strings in ${code}`, () => {
    const files = CATALOGUE_SOURCES.map((source) => ({
      source,
      english: readFile(source, 'en'),
      catalogue: readFile(source, code),
    }));

    test('defines every English message in the order of en.json, and no other', () => {
      for (const { source, english, catalogue } of files) {
        const expected = [...messagesOf(english).keys()];
        const actual = [...messagesOf(catalogue).keys()];
        const missing = expected.filter((key) => !actual.includes(key));
        const extra = actual.filter((key) => !expected.includes(key));
        assert.deepEqual(missing, [], `${source.name}/${code}.json lacks ${missing.length} messages`);
        assert.deepEqual(extra, [], `${source.name}/${code}.json has messages that en.json does not`);
        assert.deepEqual(actual, expected, `${source.name}/${code}.json: order differs from en.json`);
      }
    });

    test('gives each plural message exactly the plural forms of the language', () => {
      const categories = categoriesOf(code);
      for (const { source, english, catalogue } of files) {
        const translated = messagesOf(catalogue);
        for (const [key, forms] of messagesOf(english)) {
          if (Object.hasOwn(forms, '')) continue;
          assert.deepEqual(Object.keys(translated.get(key) ?? {}).sort(), categories, `${source.name} ${code} ${key}`);
        }
      }
    });

    test('keeps every placeholder and line break, and leaves no text empty', () => {
      for (const { source, english, catalogue } of files) {
        const translated = messagesOf(catalogue);
        for (const [key, forms] of messagesOf(english)) {
          const sourceText = forms[''] ?? forms.other ?? '';
          for (const [form, text] of Object.entries(translated.get(key) ?? {})) {
            const where = `${source.name} ${code} ${key}${form ? `_${form}` : ''}`;
            // A text is empty only where the English one is (an intentionally blank note).
            assert.equal(
              text.trim().length > 0,
              sourceText.length > 0,
              `${where}: empty where English is not, or the reverse`,
            );
            assert.equal(text, text.trim(), `${where} has leading or trailing spaces`);
            assert.equal(lineBreaks(text), lineBreaks(sourceText), `${where}: line breaks differ from English`);
            if (form === 'one') {
              // a singular may say “one” in words where English says “1”, never use a placeholder English lacks
              const allowed = new Set([...placeholders(sourceText), '{{count}}']);
              assert.deepEqual(
                placeholders(text).filter((name) => !allowed.has(name)),
                [],
                `${where}: unknown placeholder`,
              );
            } else
              assert.deepEqual(
                placeholders(text),
                placeholders(sourceText),
                `${where}: placeholders differ from English`,
              );
          }
        }
      }
    });

    test('leaves no English text except the allowed names and words', () => {
      const allowed = new Set(SAME_AS_ENGLISH[code]);
      const equal = files.flatMap(({ english, catalogue }) =>
        Object.keys(catalogue).filter(
          (key) => english[key] !== undefined && english[key] !== '' && catalogue[key] === english[key],
        ),
      );
      const same = equal.filter((key) => !allowed.has(pluralBase(key)));
      assert.deepEqual(same, [], `${code} has text identical to English`);
      const stale = [...allowed].filter((key) => !equal.some((other) => pluralBase(other) === key));
      assert.deepEqual(stale, [], `${code}: allow-listed keys no longer equal to English`);
    });

    test('addresses the reader formally', () => {
      const informal = INFORMAL[code];
      if (!informal) return;
      const offending = files.flatMap(({ catalogue }) =>
        Object.entries(catalogue)
          .filter(([, text]) => informal.test(text))
          .map(([key, text]) => `${key}: ${text}`),
      );
      assert.deepEqual(offending, [], `${code} uses the informal form of address`);
    });
  });
}

describe('the translator', () => {
  test('fills placeholders in the reader’s language', () => {
    const t = translator('de');
    assert.equal(t('home.title', { city: 'Lerici' }), 'Willkommen in Lerici');
    assert.equal(translator('fr')('error.SIGN_IN_SLOWED', { count: 15 }).includes('15 minutes'), true);
  });

  test('chooses the plural form each language needs, and writes the count with its digit grouping', () => {
    const en = translator('en');
    assert.equal(en('reports.page.followers', { count: 1 }), '1 person follows this report.');
    assert.equal(en('reports.page.followers', { count: 2 }), '2 people follow this report.');
    assert.equal(en('reports.page.followers', { count: 0 }), '0 people follow this report.');
    assert.equal(en('budgets.list.count', { count: 12500 }), '12,500 projects');
    // Romanian: one, few (0, 2–19, 101–119), other (20 and more, with “de”)
    const ro = translator('ro');
    assert.deepEqual(
      [1, 2, 19, 20, 101, 120].map((count) => ro('inbox.age.days', { count })),
      ['acum 1 zi', 'acum 2 zile', 'acum 19 zile', 'acum 20 de zile', 'acum 101 zile', 'acum 120 de zile'],
    );
    // French: 0 and 1 are singular; a million takes “de”
    const fr = translator('fr');
    assert.match(fr('budgets.list.count', { count: 0 }), /^0 projet$/);
    assert.match(fr('budgets.list.count', { count: 1000000 }), /^1\u202f000\u202f000 de projets$/);
    // German and the others: one and other
    assert.equal(translator('de')('reports.page.followers', { count: 1 }).startsWith('1 Person'), true);
    // (Hungarian keeps the singular after a number, and the Romanian and Bulgarian texts are written as labels)
    for (const language of ['en', 'it', 'pt', 'nl', 'es', 'fr', 'et', 'de'] as const) {
      const t = translator(language);
      assert.notEqual(
        t('reports.page.followers', { count: 1 }),
        t('reports.page.followers', { count: 5 }).replace('5', '1'),
        `${language}: the singular differs from the plural`,
      );
    }
  });

  test('a plural message asked for without a count reads in its general form; an unknown key shows itself', () => {
    const en = translator('en');
    assert.equal(en('budgets.list.count'), '{{count}} projects');
    assert.equal(en('no.such.key' as never), 'no.such.key');
  });

  test('the informal-address patterns catch informal text and pass formal text', () => {
    // Guards the guard: the patterns must match the informal forms they are meant to find.
    assert.ok(INFORMAL.de?.test('Wählen Sie dein Passwort'));
    assert.ok(INFORMAL.fr?.test('Choisis ta langue'));
    assert.ok(INFORMAL.es?.test('Elige tu idioma'));
    assert.ok(INFORMAL.it?.test('Scegli la tua lingua'));
    assert.ok(INFORMAL.bg?.test('Избери твоя език'));
    assert.ok(!INFORMAL.de?.test('Wählen Sie Ihre Sprache'));
    assert.ok(!INFORMAL.fr?.test('Choisissez votre langue'));
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LANGUAGE_CODES, type Language } from '../src/platform/i18n/languages.ts';
import { CATALOGUES, translator } from '../src/platform/i18n/translate.ts';
import { en } from '../src/platform/i18n/locales/en.ts';

/**
 * Checks every interface language against the English source catalogue: same keys in the same order,
 * same `{placeholders}`, same line breaks, no empty text (unless the English one is), no English text left over by copy-paste,
 * and no informal form of address where the language has a formal one.
 */

const english: Record<string, string> = en;
const englishKeys = Object.keys(english);
const others = LANGUAGE_CODES.filter((code) => code !== 'en');

/**
 * Keys whose text may be exactly the English text in a language: names, acronyms and words the language
 * uses unchanged (for example the German “Administration”). Anything else equal to English is a leftover.
 */
const SAME_AS_ENGLISH: Record<Exclude<Language, 'en'>, readonly string[]> = {
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
  pt: ['admin.organisation.lat', 'admin.organisation.lng', 'reports.new.lat', 'reports.new.lng'],
  hu: [],
  nl: [
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
  es: ['reports.new.no'],
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
const INFORMAL: Partial<Record<Language, RegExp>> = {
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

/** The `{name}` placeholders of a text, sorted and without duplicates. */
function placeholders(text: string): string[] {
  return [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();
}

/** How many line breaks a text has (mail bodies keep their paragraph layout). */
function lineBreaks(text: string): number {
  return text.split('\n').length - 1;
}

for (const code of others) {
  describe(`interface strings in ${code}`, () => {
    const catalogue = CATALOGUES[code] as Record<string, string | undefined>;
    const keys = Object.keys(catalogue);

    test('defines every English key, and no other', () => {
      const missing = englishKeys.filter((key) => !Object.hasOwn(catalogue, key));
      const extra = keys.filter((key) => !Object.hasOwn(english, key));
      assert.deepEqual(missing, [], `${code} lacks ${missing.length} keys`);
      assert.deepEqual(extra, [], `${code} has keys that en.ts does not`);
    });

    test('keeps the keys in the order of en.ts', () => {
      const expected = englishKeys.filter((key) => Object.hasOwn(catalogue, key));
      assert.deepEqual(keys, expected);
    });

    test('keeps every placeholder and line break, and leaves no text empty', () => {
      for (const key of keys) {
        const text = catalogue[key] ?? '';
        const source = english[key] ?? '';
        // A text is empty only where the English one is (an intentionally blank note).
        assert.equal(
          text.trim().length > 0,
          source.length > 0,
          `${code} ${key}: empty where English is not, or the reverse`,
        );
        assert.equal(text, text.trim(), `${code} ${key} has leading or trailing spaces`);
        assert.deepEqual(placeholders(text), placeholders(source), `${code} ${key}: placeholders differ from English`);
        assert.equal(lineBreaks(text), lineBreaks(source), `${code} ${key}: line breaks differ from English`);
      }
    });

    test('leaves no English text except the allowed names and words', () => {
      const allowed = new Set(SAME_AS_ENGLISH[code]);
      const same = keys.filter((key) => english[key] !== '' && catalogue[key] === english[key] && !allowed.has(key));
      assert.deepEqual(same, [], `${code} has text identical to English`);
      const stale = [...allowed].filter((key) => catalogue[key] !== english[key]);
      assert.deepEqual(stale, [], `${code}: allow-listed keys no longer equal to English`);
    });

    test('addresses the reader formally', () => {
      const informal = INFORMAL[code];
      if (!informal) return;
      const offending = keys.filter((key) => informal.test(catalogue[key] ?? ''));
      assert.deepEqual(
        offending.map((key) => `${key}: ${catalogue[key]}`),
        [],
        `${code} uses the informal form of address`,
      );
    });
  });
}

describe('the translator', () => {
  test('fills placeholders in the reader’s language', () => {
    const t = translator('de');
    assert.equal(t('home.title', { city: 'Lerici' }), 'Willkommen in Lerici');
    assert.equal(translator('fr')('error.ACCOUNT_LOCKED', { minutes: 15 }).includes('15 minutes'), true);
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

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withUtm, normaliseHashtag } from '../../src/modules/publishing/campaigns.ts';
import {
  allCapitals,
  hashtagsNotInCamelCase,
  reviewText,
  vagueLinkText,
  VAGUE_LINK_PHRASES,
} from '../../src/modules/publishing/checks.ts';
import { diffTexts } from '../../src/modules/publishing/diff.ts';
import { checkLimits, countForChannel, countGraphemes } from '../../src/modules/publishing/limits.ts';
import { countText, readability } from '../../src/modules/publishing/readability.ts';
import type { PublishingLimits } from '../../src/platform/publishing.ts';

const MASTODON: PublishingLimits = {
  maxCharacters: 500,
  linkCharacters: 23,
  maxMedia: 4,
  contentWarning: true,
  title: false,
  edit: true,
  remove: true,
};

test('characters are counted as people see them: an emoji family, a combining accent, a flag are one each', () => {
  assert.equal(countGraphemes('👩‍👩‍👧‍👦'), 1);
  assert.equal(countGraphemes('e\u0301te\u0301'), 3);
  assert.equal(countGraphemes('🇪🇺 ok'), 4);
  assert.equal(countGraphemes(''), 0);
});

test('a link counts as the channel counts it (Mastodon: 23), whatever its length; without linkCharacters, its length', () => {
  const text = 'See https://example.org/a-very-long-path-indeed/with/more/parts?and=query now';
  assert.equal(countForChannel(text, MASTODON), 4 + 23 + 4);
  assert.equal(countForChannel(text, {}), countGraphemes(text));
  assert.equal(countForChannel('https://a.example https://b.example', MASTODON), 23 + 1 + 23);
});

test('limits answer stable codes: too long (with limit and count), empty, too many pictures, picture required, alt text missing', () => {
  const long = 'é'.repeat(480);
  assert.deepEqual(checkLimits({ text: long, contentWarning: null, media: [] }, MASTODON), []);
  // the content warning counts within Mastodon's 500
  assert.deepEqual(checkLimits({ text: long, contentWarning: 'x'.repeat(21), media: [] }, MASTODON), [
    { code: 'TOO_LONG', field: 'text', limit: 500, count: 501 },
  ]);
  assert.deepEqual(
    checkLimits(
      { text: ' ', contentWarning: null, media: [{ alt: '' }] },
      { ...MASTODON, maxMedia: 0, mediaRequired: true },
    ).map((p) => p.code),
    ['EMPTY_TEXT', 'TOO_MANY_MEDIA', 'ALT_TEXT_MISSING'],
  );
  assert.deepEqual(
    checkLimits({ text: 'ok', contentWarning: null, media: [] }, { ...MASTODON, mediaRequired: true }).map(
      (p) => p.code,
    ),
    ['MEDIA_REQUIRED'],
  );
  // no limit (newsletter, web page)
  assert.deepEqual(
    checkLimits({ text: 'x'.repeat(100_000), contentWarning: null, media: [] }, { ...MASTODON, maxCharacters: null }),
    [],
  );
});

test('hashtags of several words must be in CamelCase; short ones and CamelCase pass', () => {
  assert.deepEqual(
    hashtagsNotInCamelCase('#interactivecity #InteractiveCity #Rome #roma #EU #SAFERSTREETS #Città2026'),
    ['#interactivecity', '#SAFERSTREETS'],
  );
});

test('runs of three words in capitals are found; one abbreviation is not', () => {
  assert.deepEqual(allCapitals('PLEASE READ THIS NOW before Monday. The EU and NATO said so.'), [
    'PLEASE READ THIS NOW',
  ]);
  assert.deepEqual(allCapitals('The EU said so. #ALLCAPS https://EXAMPLE.ORG/ABC'), []);
});

test('vague link texts are found in every interface language, only when the text has a link', () => {
  assert.deepEqual(vagueLinkText('Hier klicken: https://stadt.example/info', 'de'), ['hier klicken']);
  assert.deepEqual(vagueLinkText('Cliquez ici https://ville.example', 'fr'), ['cliquez ici']);
  assert.deepEqual(vagueLinkText('Hier klicken, ohne Link', 'de'), []);
  assert.deepEqual(vagueLinkText('Road works on Main Street: https://city.example/roadworks', 'en'), []);
  assert.deepEqual(Object.keys(VAGUE_LINK_PHRASES).sort(), [
    'bg',
    'de',
    'en',
    'es',
    'et',
    'fr',
    'hu',
    'it',
    'nl',
    'pt',
    'ro',
  ]);
  for (const [language, phrases] of Object.entries(VAGUE_LINK_PHRASES))
    assert.ok(vagueLinkText(`${phrases[0]} https://x.example`, language).length > 0, language);
});

test('readability: each language its formula, on texts counted by hand', () => {
  // 6 words, 1 sentence, 6 syllables: 206.835 − 1.015·6 − 84.6·1
  assert.deepEqual(readability('The cat sat on the mat.', 'en'), {
    formula: 'flesch',
    score: 116.1,
    higherIsEasier: true,
    band: 'easy',
  });
  // Amstad: 180 − 4 − 58.5·1
  assert.equal(readability('Der Hund bellt laut.', 'de')?.score, 117.5);
  assert.equal(readability('Der Hund bellt laut.', 'de')?.formula, 'amstad');
  // Kandel–Moles: 207 − 1.015·3 − 73.6·1
  assert.equal(readability('Le chat dort.', 'fr')?.score, 130.4);
  // Fernández Huerta: 206.84 − 0.60·(100·5/3) − 1.02·(100/3)
  assert.equal(readability('El gato come.', 'es')?.score, 72.8);
  // Gulpease: 89 + (300·1 − 10·12) / 3
  assert.equal(readability('Il gatto dorme.', 'it')?.score, 149);
  // Douma: 206.835 − 0.93·3 − 77·1
  assert.equal(readability('De kat slaapt.', 'nl')?.score, 127);
  // Portuguese Flesch (Martins): 248.835 − 1.015·3 − 84.6·5/3
  assert.equal(readability('O gato dorme.', 'pt')?.score, 104.8);
  // LIX: 8 words per sentence + 100·3 long words / 8
  const lix = readability('Az utcánkban megint nem ürítették ki a kukákat.', 'hu');
  assert.deepEqual(lix, { formula: 'lix', score: 45.5, higherIsEasier: false, band: 'standard' });
  assert.equal(readability('', 'en'), undefined);
});

test('readability tells a plain text from a dense one', () => {
  const plain = 'We fix the road. It takes two days. The bus goes round.';
  const dense =
    'Notwithstanding considerable infrastructural complications, the municipal administration anticipates comprehensive rehabilitation of thoroughfares throughout the metropolitan territory.';
  assert.ok((readability(plain, 'en')?.score ?? 0) > 70);
  assert.ok((readability(dense, 'en')?.score ?? 100) < 30);
  assert.equal(readability(dense, 'en')?.band, 'hard');
  assert.equal(countText('One. Two words! Three? https://x.example #Tag', 'en').sentences, 3);
});

test('reviewText gathers every finding of a text with its score', () => {
  const review = reviewText('BIG NEWS TODAY for #interactivecity: click here https://city.example', 'en');
  assert.deepEqual(
    review.findings.map((f) => f.code),
    ['HASHTAG_NOT_CAMEL_CASE', 'ALL_CAPITALS', 'VAGUE_LINK_TEXT'],
  );
  assert.equal(review.readability?.formula, 'flesch');
});

test('UTM parameters are added to every link for the destination kind, keeping what a link has', () => {
  const utm = { source: null, medium: null, campaign: 'spring' };
  assert.equal(
    withUtm('Read https://city.example/news?id=1.', utm, 'mastodon'),
    'Read https://city.example/news?id=1&utm_source=mastodon&utm_medium=social&utm_campaign=spring.',
  );
  assert.equal(
    withUtm('https://a.example/?utm_source=x', { source: 'newsletter', medium: 'email', campaign: 'c' }, 'telegram'),
    'https://a.example/?utm_source=x&utm_medium=email&utm_campaign=c',
  );
  assert.equal(withUtm('no link here', utm, 'mastodon'), 'no link here');
  assert.equal(
    withUtm('https://a.example', { source: null, medium: null, campaign: null }, 'mastodon'),
    'https://a.example',
  );
  assert.equal(normaliseHashtag('#InteractiveCity'), 'InteractiveCity');
  assert.equal(normaliseHashtag('#two words'), undefined);
});

test('the difference of two versions marks what was removed and added', () => {
  assert.deepEqual(diffTexts('the road closes on Monday', 'the road closes on Tuesday'), [
    { kind: 'same', text: 'the road closes on ' },
    { kind: 'removed', text: 'Monday' },
    { kind: 'added', text: 'Tuesday' },
  ]);
  assert.deepEqual(diffTexts('same', 'same'), [{ kind: 'same', text: 'same' }]);
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  analyseMessage,
  classifierFor,
  DEFAULT_TOPICS,
  identifyLanguage,
  lexiconSentiment,
  locateMessage,
  matchTopics,
  recordCorrection,
  sentimentClassifier,
  topicClassifier,
  type Gazetteer,
} from '../../src/modules/inbox/analysis/index.ts';
import { languageAccuracy, readSplit, sentimentF1 } from '../../src/modules/inbox/analysis/evaluation.ts';
import type { MessageLanguage } from '../../src/modules/inbox/analysis/languages.ts';
import { OrganisationRepository } from '../../src/platform/organisations/organisations.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { sharedDataDir } from '../support/shared-data.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const SHORT_TEXTS: Record<MessageLanguage, string> = {
  en: 'the bins on our street were not emptied again this week',
  fr: "les poubelles de notre rue n'ont pas été vidées cette semaine",
  de: 'die Mülltonnen in unserer Straße wurden wieder nicht geleert',
  nl: 'de vuilnisbakken in onze straat zijn weer niet geleegd',
  es: 'otra vez no han vaciado los contenedores de nuestra calle',
  pt: 'os contentores da nossa rua não foram esvaziados outra vez',
  it: 'i cassonetti della nostra via non sono stati svuotati di nuovo',
  ro: 'pubelele de pe strada noastră nu au fost golite nici săptămâna asta',
  hu: 'az utcánkban megint nem ürítették ki a kukákat ezen a héten',
  et: 'meie tänava prügikaste ei tühjendatud jälle sel nädalal',
  bg: 'кофите на нашата улица пак не са изпразнени тази седмица',
};

test('identifies the language of short messages in all eleven interface languages', () => {
  for (const [language, text] of Object.entries(SHORT_TEXTS)) {
    const guess = identifyLanguage(`@cityhall ${text} #fail http://t.co/abc 😡`);
    assert.equal(guess.language, language, text);
    assert.ok(guess.confidence > 0.5, `${language} confidence ${guess.confidence}`);
  }
  assert.deepEqual(identifyLanguage('@user 👍 http://t.co/x'), { language: 'unknown', confidence: 0 });
});

test('a word shared by languages is read in the city’s language, a sentence in another language is not', () => {
  // Without the city: the n-grams alone decide, and these words are common to several languages.
  assert.equal(identifyLanguage('triste').language, 'it');
  assert.equal(identifyLanguage('que pena').language, 'pt');
  assert.equal(identifyLanguage('triste', ['pt', 'en']).language, 'pt');
  assert.equal(identifyLanguage('que pena', ['es']).language, 'es');
  for (const [text, city, language] of [
    ['The bins on our street were not emptied again this week', ['it'], 'en'],
    ['os contentores da nossa rua não foram esvaziados', ['es'], 'pt'],
    ['de vuilnisbakken zijn weer niet geleegd', ['de'], 'nl'],
    ['la fontana è rotta', ['es'], 'it'],
  ] as const)
    assert.equal(identifyLanguage(text, city).language, language, text);
  const gazetteer: Gazetteer = { districts: [], streets: [] };
  assert.equal(
    analyseMessage({ text: 'que pena' }, { gazetteer, topics: DEFAULT_TOPICS, languages: ['es'] }).language,
    'es',
  );
});

const CLEAR_SENTIMENT: Record<MessageLanguage, [positive: string, negative: string]> = {
  en: ['thank you, the new park is wonderful', 'the street is dirty and the smell is horrible'],
  fr: 'merci, le nouveau parc est magnifique|la rue est sale, c’est horrible'.split('|') as [string, string],
  de: ['danke, der neue Park ist wunderbar', 'die Straße ist dreckig, einfach schrecklich'],
  nl: ['bedankt, het nieuwe park is prachtig', 'de straat is vies, echt verschrikkelijk'],
  es: ['gracias, el nuevo parque es maravilloso', 'la calle está sucia, es horrible'],
  pt: ['obrigado, o novo parque é maravilhoso', 'a rua está suja, é horrível'],
  it: ['grazie, il nuovo parco è bellissimo', 'la strada è sporca, che schifo'],
  ro: ['mulțumesc, parcul nou este minunat', 'strada este murdară, e groaznic'],
  hu: ['köszönöm, az új park csodálatos', 'az utca koszos, borzalmas'],
  et: ['aitäh, uus park on imeline', 'tänav on räpane, see on kohutav'],
  bg: ['благодаря, новият парк е прекрасен', 'улицата е мръсна, ужасно е'],
};

test('scores clear positive and negative messages in every interface language', () => {
  for (const [language, [positive, negative]] of Object.entries(CLEAR_SENTIMENT) as Array<
    [MessageLanguage, [string, string]]
  >) {
    assert.equal(lexiconSentiment(positive, language).sentiment, 'positive', positive);
    assert.equal(lexiconSentiment(negative, language).sentiment, 'negative', negative);
  }
  assert.equal(lexiconSentiment('the bus leaves at nine', 'en').sentiment, 'neutral');
  assert.equal(lexiconSentiment('this is not good', 'en').sentiment, 'negative');
  assert.equal(lexiconSentiment('see you at the meeting 🙂', 'en').sentiment, 'positive');
});

test('keyword rules find the topic, including German compounds and unaccented spelling', () => {
  assert.deepEqual([...matchTopics('Overflowing bins near the station', 'en', DEFAULT_TOPICS).keys()], ['waste']);
  assert.ok(matchTopics('Der Sperrabfall liegt seit Tagen da', 'de', DEFAULT_TOPICS).has('waste'));
  assert.ok(matchTopics('la farola de mi calle no funciona', 'es', DEFAULT_TOPICS).has('lighting'));
  assert.ok(matchTopics('o autocarro nao passou, transito horrivel', 'pt', DEFAULT_TOPICS).has('mobility'));
  assert.equal(matchTopics('happy birthday to my sister', 'en', DEFAULT_TOPICS).size, 0);
  // "binoculars" must not count as a bin
  assert.equal(matchTopics('lost my binoculars', 'en', DEFAULT_TOPICS).has('waste'), false);
});

const GAZETTEER: Gazetteer = {
  districts: [
    {
      id: 11,
      names: ['Old Town', 'Città Vecchia'],
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [9.7, 44.1],
            [9.8, 44.1],
            [9.8, 44.2],
            [9.7, 44.2],
            [9.7, 44.1],
          ],
        ],
      },
    },
    {
      id: 12,
      names: ['Harbour'],
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [9.8, 44.1],
              [9.9, 44.1],
              [9.9, 44.2],
              [9.8, 44.2],
              [9.8, 44.1],
            ],
          ],
        ],
      },
    },
  ],
  streets: [{ name: 'Via Garibaldi', districtId: 12 }],
};

test('places a message by its coordinates, else by a district or street named in its text', () => {
  assert.deepEqual(locateMessage(GAZETTEER, 'anything', 44.15, 9.85), { districtId: 12, source: 'coordinates' });
  assert.deepEqual(locateMessage(GAZETTEER, 'buca enorme in VIA GARIBALDÌ', null, null), {
    districtId: 12,
    source: 'street-name',
    name: 'Via Garibaldi',
  });
  assert.equal(locateMessage(GAZETTEER, 'rumore in citta vecchia stanotte').districtId, 11);
  assert.equal(locateMessage(GAZETTEER, 'nothing here', 10, 10).districtId, null);
  const analysis = analyseMessage(
    { text: 'Die Straßenlaterne vor dem Haus ist seit Tagen kaputt, furchtbar', lat: 44.15, lng: 9.75 },
    { gazetteer: GAZETTEER, topics: DEFAULT_TOPICS },
  );
  assert.equal(analysis.language, 'de');
  assert.equal(analysis.sentiment, 'negative');
  assert.equal(analysis.topic, 'lighting');
  assert.equal(analysis.districtId, 11);
});

test('one analysis shares the prepared text and features, with the same result as each analyser on its own', () => {
  const examples = Object.values(CLEAR_SENTIMENT).flatMap(([positive, negative]) => [
    { text: positive, label: 'positive' },
    { text: negative, label: 'negative' },
  ]);
  const sentimentModel = sentimentClassifier(
    examples.map((example) => ({ ...example, language: identifyLanguage(example.text).language })),
  );
  const topicModel = topicClassifier(
    DEFAULT_TOPICS,
    Object.values(SHORT_TEXTS).map((text) => ({ text, label: 'waste', language: identifyLanguage(text).language })),
  );
  const texts = [
    ...Object.values(SHORT_TEXTS),
    ...examples.map((example) => example.text),
    'the bus stop 🚏 is broken again!!! #fail @city http://t.co/x',
    '東京 the street light on Station Road is out 😡',
  ];
  for (const text of texts) {
    const analysis = analyseMessage(
      { text },
      { gazetteer: GAZETTEER, topics: DEFAULT_TOPICS, sentimentModel, topicModel },
    );
    const language = identifyLanguage(text);
    const sentiment = sentimentModel.predict(text, language.language);
    const topic = topicModel.predict(text, language.language);
    assert.equal(analysis.language, language.language, text);
    assert.equal(analysis.languageConfidence, language.confidence, text);
    assert.equal(analysis.sentiment, sentiment.label, text);
    assert.ok(
      Math.abs(
        analysis.sentimentScore - ((sentiment.probabilities.positive ?? 0) - (sentiment.probabilities.negative ?? 0)),
      ) < 1e-9,
      text,
    );
    assert.equal(analysis.topic, topic.label === 'other' ? null : topic.label, text);
    assert.ok(Math.abs(analysis.topicConfidence - topic.confidence) < 1e-9, text);
  }
  assert.equal(identifyLanguage('東京 the street light on our road has been out for a week').language, 'en');
});

test('staff corrections stored in the database change the city’s classifier, and only that city’s', async () => {
  const organisations = new OrganisationRepository(server.ctx.db);
  const city = await organisations.insert({
    slug: 'learning-city',
    name: { en: 'Learning' },
    languages: ['en'],
    defaultLanguage: 'en',
    map: { lat: 0, lng: 0 },
  });
  const other = await organisations.insert({
    slug: 'other-city',
    name: { en: 'Other' },
    languages: ['en'],
    defaultLanguage: 'en',
    map: { lat: 0, lng: 0 },
  });
  const message = 'the skatepark crew is painting murals on the underpass';
  const before = await classifierFor(server.ctx.db, city.id, 'topic');
  assert.equal(before.predict(message, 'en').label, 'other');
  for (const text of [
    'murals painted on the underpass',
    'new mural by the skatepark crew',
    'street art festival with murals',
    'painting murals downtown',
  ]) {
    await recordCorrection(server.ctx.db, city.id, { kind: 'topic', language: 'en', text, label: 'events' });
  }
  const after = await classifierFor(server.ctx.db, city.id, 'topic');
  assert.notEqual(after, before, 'a new correction rebuilds the classifier');
  assert.equal(after.predict(message, 'en').label, 'events');
  assert.equal(await classifierFor(server.ctx.db, city.id, 'topic'), after, 'no new correction: the cached classifier');
  assert.equal((await classifierFor(server.ctx.db, other.id, 'topic')).predict(message, 'en').label, 'other');

  const sentence = 'the council finally answered my request';
  const sentimentBefore = (await classifierFor(server.ctx.db, city.id, 'sentiment')).predict(sentence, 'en').label;
  const wanted = sentimentBefore === 'positive' ? 'negative' : 'positive';
  for (let i = 0; i < 4; i++)
    await recordCorrection(server.ctx.db, city.id, {
      kind: 'sentiment',
      language: 'en',
      text: `${sentence} ${['again', 'today', 'at last', 'now'][i]}`,
      label: wanted,
    });
  assert.equal((await classifierFor(server.ctx.db, city.id, 'sentiment')).predict(sentence, 'en').label, wanted);
});

// Published fastText macro-F1 on the same tweet set (cardiffnlp/xlm-t), the bar the trained classifier must pass.
const BASELINE = { english: 0.509, german: 0.596 };
/** What the classifier reached before its penalty fell with the number of examples (0.546, 0.640): it must stay above. */
const PREVIOUS = { english: 0.56, german: 0.66 };

test('on the shared tweet set, learning from the train split beats the fastText baseline', () => {
  const dir = sharedDataDir('sentiment');
  for (const [folder, baseline] of Object.entries(BASELINE)) {
    const train = readSplit(dir, folder, 'train');
    const evaluation = readSplit(dir, folder, 'val');
    const classifier = sentimentClassifier(
      train.map((row) => ({ text: row.text, label: row.sentiment, language: identifyLanguage(row.text).language })),
    );
    const trained = sentimentF1(classifier, evaluation);
    assert.ok(trained > baseline, `${folder}: trained F1 ${trained.toFixed(3)} ≤ baseline ${baseline}`);
    const previous = PREVIOUS[folder as keyof typeof PREVIOUS];
    assert.ok(trained > previous, `${folder}: trained F1 ${trained.toFixed(3)} ≤ ${previous}`);
    assert.ok(
      trained > sentimentF1(sentimentClassifier(), evaluation),
      `${folder}: learning did not improve on the lexicon`,
    );
    assert.ok(
      languageAccuracy(evaluation, folder === 'english' ? 'en' : 'de') > 0.9,
      `${folder}: language identification`,
    );
  }
});

test('polite requests are not praise, and complaint words count in German, Romanian and Portuguese', () => {
  for (const [language, request] of [
    ['fr', 'Bonjour… pouvez-vous réparer le lampadaire devant le numéro 12 ? Merci beaucoup'],
    ['pt', 'Gostaria de saber quando vão reparar o passeio da minha rua.'],
    ['en', 'Hello, could you tell me when the bins are collected? Thanks'],
    ['it', 'Buongiorno, potreste dirmi quando passa la raccolta? Grazie'],
    ['de', 'Guten Tag, können Sie mir sagen, wann die Tonne geleert wird? Danke'],
  ] as const)
    assert.notEqual(lexiconSentiment(request, language).sentiment, 'positive', request);
  // Thanks outside a request still count.
  assert.equal(lexiconSentiment('merci, le nouveau parc est magnifique', 'fr').sentiment, 'positive');
  for (const [language, complaint] of [
    ['de', 'Der Müllcontainer an der Ecke stinkt fürchterlich'],
    ['ro', 'Strada e foarte întuneric și periculoasă noaptea'],
    ['pt', 'A rua está alagada desde ontem'],
  ] as const)
    assert.equal(lexiconSentiment(complaint, language).sentiment, 'negative', complaint);
});

test('district names match in their inflected forms, and a place name does not decide the language', () => {
  const gazetteer: Gazetteer = {
    districts: [
      { id: 1, names: ['Kesklinn', 'Belváros'] },
      { id: 2, names: ['Józsefváros', 'Põhja-Tallinn'] },
      { id: 3, names: ['Centrul Vechi', 'Център'] },
      { id: 4, names: ['Park'] },
    ],
    streets: [{ name: 'Via della Libertà', districtId: 3 }],
  };
  for (const [text, language, districtId] of [
    ['Kesklinnas on tänavavalgustus katki', 'et', 1],
    ['Põhja-Tallinnast viiakse prügi liiga harva', 'et', 2],
    ['a Belvárosban nincs közvilágítás', 'hu', 1],
    ['mi van a Józsefvárossal?', 'hu', 2],
    ['gunoiul din Centrului Vechi', 'ro', 3],
    ['дупки в Центъра', 'bg', 3],
  ] as const)
    assert.equal(locateMessage(gazetteer, text, null, null, language).districtId, districtId, text);
  assert.equal(
    locateMessage(gazetteer, 'parking is full', null, null, 'en').districtId,
    null,
    'not a word inside another',
  );
  const analysis = analyseMessage(
    { text: 'Broken street light in Via della Libertà, please fix it' },
    { gazetteer, topics: DEFAULT_TOPICS },
  );
  assert.equal(analysis.districtId, 3);
  assert.equal(analysis.language, 'en');
});

import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import { findViewer } from '../../platform/auth/users.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { dayIn } from '../../platform/i18n/days.ts';
import type { DemoPeople } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findProcessBySlug } from '../participation/index.ts';
import { readAnswers, type RawAnswers } from './answers.ts';
import { addChoice, addQuestion, createSurvey, type QuestionInput } from './survey-admin.use-cases.ts';
import { findQuestions, insertResponse } from './surveys.repository.ts';

const DAY = 86_400_000;

const NONE: Omit<QuestionInput, 'kind' | 'title'> = {
  description: {},
  required: false,
  minChoices: null,
  maxChoices: null,
  minValue: null,
  maxValue: null,
  conditionQuestionId: null,
  conditionChoiceId: null,
};

/**
 * A survey about the city's parks, open for another month, anonymous with public results: one of each
 * kind of question, a condition ("which park?" only for those who visit one), and answers from the
 * demo residents.
 */
export async function seedSurveys(ctx: AppContext, organisation: Organisation, people: DemoPeople): Promise<void> {
  const staff = await findViewer(ctx.db, organisation.id, people.admin);
  if (!staff) return;
  const process = await findProcessBySlug(ctx.db, organisation.id, 'master-plan-2040');
  const created = await createSurvey(ctx, staff, organisation, {
    processId: process?.id ?? null,
    title: {
      en: 'Parks and green spaces',
      it: 'Parchi e spazi verdi',
      fr: 'Parcs et espaces verts',
      ro: 'Parcuri și spații verzi',
      de: 'Parks und Grünflächen',
    },
    description: {
      en: 'Ten minutes to tell us how you use the parks and what they should become. Your answers are anonymous.',
      it: 'Dieci minuti per dirci come usa i parchi e cosa dovrebbero diventare. Le risposte sono anonime.',
      fr: 'Dix minutes pour nous dire comment vous utilisez les parcs et ce qu’ils devraient devenir. Vos réponses sont anonymes.',
      ro: 'Zece minute ca să ne spuneți cum folosiți parcurile și ce ar trebui să devină. Răspunsurile sunt anonime.',
      de: 'Zehn Minuten, um uns zu sagen, wie Sie die Parks nutzen und was aus ihnen werden soll. Ihre Antworten sind anonym.',
    },
    anonymous: true,
    resultsPublic: true,
    eligibilityLevel: 'email',
    published: true,
    opensAt: new Date(Date.now() - 10 * DAY),
    closesAt: new Date(Date.now() + 30 * DAY),
  });
  if (!created.ok) return;
  const surveyId = created.id;
  const question = async (kind: string, title: Translated, extra: Partial<QuestionInput> = {}) => {
    const outcome = await addQuestion(ctx, staff, organisation, surveyId, { ...NONE, kind, title, ...extra });
    if (!outcome.ok) throw new Error(`demo survey question: ${JSON.stringify(outcome.fields)}`);
    return outcome.id;
  };
  const options = async (questionId: number, labels: Translated[], role: 'option' | 'row' = 'option') => {
    const ids: number[] = [];
    for (const label of labels) {
      const outcome = await addChoice(ctx, staff, organisation, surveyId, questionId, role, label);
      if (outcome.ok) ids.push(outcome.id);
    }
    return ids;
  };

  const visits = await question(
    'single',
    {
      en: 'Do you visit a park at least once a week?',
      it: 'Visita un parco almeno una volta alla settimana?',
      fr: 'Allez-vous dans un parc au moins une fois par semaine ?',
      ro: 'Mergeți într-un parc cel puțin o dată pe săptămână?',
      de: 'Besuchen Sie mindestens einmal pro Woche einen Park?',
    },
    { required: true },
  );
  const [yes, no] = await options(visits, [
    { en: 'Yes', it: 'Sì', fr: 'Oui', ro: 'Da', de: 'Ja' },
    { en: 'No', it: 'No', fr: 'Non', ro: 'Nu', de: 'Nein' },
  ]);
  const which = await question(
    'single',
    {
      en: 'Which park do you visit most?',
      it: 'Quale parco visita di più?',
      fr: 'Quel parc fréquentez-vous le plus ?',
      ro: 'Ce parc vizitați cel mai des?',
      de: 'Welchen Park besuchen Sie am häufigsten?',
    },
    { conditionQuestionId: visits, conditionChoiceId: yes ?? null },
  );
  const parks = await options(which, [
    { en: 'Harbour park', it: 'Parco del porto', fr: 'Parc du port', ro: 'Parcul portului', de: 'Hafenpark' },
    {
      en: 'Old town gardens',
      it: 'Giardini del centro storico',
      fr: 'Jardins de la vieille ville',
      ro: 'Grădinile orașului vechi',
      de: 'Altstadtgärten',
    },
    { en: 'River meadows', it: 'Prati del fiume', fr: 'Prairies de la rivière', ro: 'Luncile râului', de: 'Flussauen' },
  ]);
  const wishes = await question(
    'multiple',
    {
      en: 'What should parks have more of?',
      it: 'Di cosa dovrebbero avere di più i parchi?',
      fr: 'De quoi les parcs devraient-ils avoir davantage ?',
      ro: 'Ce ar trebui să aibă parcurile mai mult?',
      de: 'Wovon sollten Parks mehr haben?',
    },
    { minChoices: 1, maxChoices: 2 },
  );
  const wishIds = await options(wishes, [
    {
      en: 'Shade and trees',
      it: 'Ombra e alberi',
      fr: 'Ombre et arbres',
      ro: 'Umbră și copaci',
      de: 'Schatten und Bäume',
    },
    { en: 'Benches', it: 'Panchine', fr: 'Bancs', ro: 'Bănci', de: 'Bänke' },
    { en: 'Playgrounds', it: 'Aree gioco', fr: 'Aires de jeux', ro: 'Locuri de joacă', de: 'Spielplätze' },
    { en: 'Drinking fountains', it: 'Fontanelle', fr: 'Fontaines à boire', ro: 'Cișmele', de: 'Trinkbrunnen' },
  ]);
  const satisfaction = await question('matrix', {
    en: 'How satisfied are you with…',
    it: 'Quanto è soddisfatto di…',
    fr: 'Êtes-vous satisfait de…',
    ro: 'Cât de mulțumit sunteți de…',
    de: 'Wie zufrieden sind Sie mit…',
  });
  const levels = await options(satisfaction, [
    { en: 'Satisfied', it: 'Soddisfatto', fr: 'Satisfait', ro: 'Mulțumit', de: 'Zufrieden' },
    { en: 'Neutral', it: 'Neutrale', fr: 'Neutre', ro: 'Neutru', de: 'Neutral' },
    { en: 'Dissatisfied', it: 'Insoddisfatto', fr: 'Insatisfait', ro: 'Nemulțumit', de: 'Unzufrieden' },
  ]);
  const aspects = await options(
    satisfaction,
    [
      { en: 'Cleanliness', it: 'Pulizia', fr: 'Propreté', ro: 'Curățenie', de: 'Sauberkeit' },
      {
        en: 'Safety at night',
        it: 'Sicurezza di notte',
        fr: 'Sécurité la nuit',
        ro: 'Siguranță noaptea',
        de: 'Sicherheit nachts',
      },
    ],
    'row',
  );
  const minutes = await question(
    'number',
    {
      en: 'How many minutes do you walk to the nearest park?',
      it: 'Quanti minuti cammina fino al parco più vicino?',
      fr: 'Combien de minutes marchez-vous jusqu’au parc le plus proche ?',
      ro: 'Câte minute mergeți pe jos până la cel mai apropiat parc?',
      de: 'Wie viele Minuten gehen Sie zum nächsten Park?',
    },
    { minValue: 0, maxValue: 120 },
  );
  const idea = await question('long_text', {
    en: 'One idea for a better park',
    it: 'Un’idea per un parco migliore',
    fr: 'Une idée pour un meilleur parc',
    ro: 'O idee pentru un parc mai bun',
    de: 'Eine Idee für einen besseren Park',
  });

  const questions = await findQuestions(ctx.db, surveyId);
  const ideas = [
    'Lights along the river path.',
    'A small café run by a local association.',
    'Water fountains for dogs too.',
    'More shade near the playground.',
    '',
    'Compost bins and a community garden.',
  ];
  for (const [index, userId] of people.residents.entries()) {
    const pick = <T>(list: readonly T[]) => list[index % list.length] as T;
    const visitor = index % 4 !== 3;
    const raw: RawAnswers = {
      [`q${visits}`]: String(visitor ? yes : no),
      ...(visitor ? { [`q${which}`]: String(pick(parks)) } : {}),
      [`q${wishes}`]: [String(pick(wishIds)), String(wishIds[(index + 2) % wishIds.length])],
      [`q${satisfaction}_${aspects[0]}`]: String(pick(levels)),
      [`q${satisfaction}_${aspects[1]}`]: String(levels[(index + 1) % levels.length]),
      [`q${minutes}`]: String(5 + ((index * 7) % 25)),
      [`q${idea}`]: pick(ideas),
    };
    const read = readAnswers(questions, raw);
    if (!read.ok) continue;
    await ctx.db
      .transaction()
      .execute((tx) =>
        insertResponse(
          tx,
          { id: surveyId, organisationId: organisation.id, anonymous: true },
          userId,
          randomUUID(),
          dayIn(new Date(Date.now() - (index % 9) * DAY), organisation.timeZone),
          read.answers,
        ),
      );
  }
}

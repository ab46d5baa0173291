import conversations from './demo/conversations.json' with { type: 'json' };
import listening from './demo/listening.json' with { type: 'json' };
import topics from './demo/topics.json' with { type: 'json' };

/**
 * What Valmora's residents wrote to the city in the demo: conversations on every channel, in eight
 * languages, with the city's answers. Written for this project; names and addresses are invented.
 * The texts are data in `demo/*.json`; this file gives them their types.
 */
export type DemoChannel = 'email' | 'telegram' | 'mastodon' | 'facebook' | 'instagram' | 'feed' | 'web';

export interface DemoConversation {
  channel: DemoChannel;
  author: string;
  handle?: string;
  subject?: string;
  /** Days before the demo starts when the first message arrived. */
  daysAgo: number;
  messages: Array<{ from: 'resident' | 'city'; text: string; afterHours?: number }>;
  department?: 'communication' | 'roads' | 'parks' | 'waste' | 'mobility' | 'participation';
  status?: 'new' | 'open' | 'waiting' | 'done';
  codes?: string[];
  /** Turned into a report of this category (by its code in the reports demo). */
  report?: boolean;
}

export const DEMO_CONVERSATIONS = conversations as DemoConversation[];

/** Short posts that fill the listening dashboard with a believable flow over two months. */
export const DEMO_FLOW = listening.flow as Array<{
  channel: DemoChannel;
  text: string;
  district?: 'old-town' | 'harbour' | 'riverside' | 'north-hills' | 'station' | 'university';
}>;

/** The wave of complaints about uncollected rubbish in the harbour in the last two days (an alert). */
export const DEMO_WAVE: string[] = listening.wave;

/** Building blocks of the everyday background of messages: a topic's phrasings per language, with a place. */
export const DEMO_PHRASES: Record<
  'en' | 'it' | 'fr' | 'de' | 'ro',
  Array<{ text: string; positive?: boolean }>
> = listening.phrases;

/** How each language puts a street into a sentence ("on Via Nuova", "in Via Nuova", "Via Nuova"). */
export const DEMO_PLACE_FORMS: Record<keyof typeof DEMO_PHRASES, (street: string) => string> = {
  en: (street) => street,
  it: (street) => street,
  fr: (street) => `dans la ${street}`,
  de: (street) => `in der ${street}`,
  ro: (street) => street,
};

/** The default topics' names in the interface languages, for the city's topic list. */
export const TOPIC_NAMES: Record<string, Record<string, string>> = topics.names;

/** The department that answers for each default topic in the demo city. */
export const TOPIC_DEPARTMENTS: Record<string, string> = topics.departments;

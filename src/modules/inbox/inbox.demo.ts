import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import type { DemoPeople } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findReports } from '../reports/index.ts';
import { analyseNewMessages } from './analyse.ts';
import { DEFAULT_TOPICS, recordCorrection } from './analysis/index.ts';
import type { ChannelRecord } from './channels/channel.ts';
import { findChannelRecord, insertChannel } from './channels.repository.ts';
import { ensureWebChannel } from './channels/web.ts';
import {
  DEMO_CONVERSATIONS,
  DEMO_FLOW,
  DEMO_PHRASES,
  DEMO_PLACE_FORMS,
  DEMO_WAVE,
  TOPIC_DEPARTMENTS,
  TOPIC_NAMES,
  type DemoChannel,
} from './demo-messages.ts';
import { ingestMessages, NOT_ANALYSED } from './ingest.ts';
import { raiseAlerts } from './listening/alerts.ts';
import type { ConversationStatus } from './inbox.schema.ts';
import './inbox.schema.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small repeatable random generator, so every demo city looks the same. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** The demo's channels: switched off (no credentials here), except the contact form, which works as is. */
async function seedChannels(ctx: AppContext, organisation: Organisation): Promise<Record<DemoChannel, ChannelRecord>> {
  const specs: Array<{ kind: Exclude<DemoChannel, 'web'>; name: string; settings: Record<string, unknown> }> = [
    {
      kind: 'email',
      name: 'comune@valmora.example',
      settings: { address: 'comune@valmora.example', maxMegabytes: 10 },
    },
    { kind: 'telegram', name: 'Valmora bot (@ValmoraCityBot)', settings: {} },
    {
      kind: 'mastodon',
      name: '@valmora@social.example',
      settings: { instance: 'https://social.example', hashtags: 'valmora, porto' },
    },
    { kind: 'facebook', name: 'Comune di Valmora (Facebook)', settings: { pageId: '100000000000001' } },
    { kind: 'instagram', name: '@comunedivalmora (Instagram)', settings: { pageId: '17841400000000001' } },
    {
      kind: 'feed',
      name: 'Valmora Oggi (local news)',
      settings: { url: 'https://news.valmora.example/feed.xml', intervalMinutes: 30 },
    },
  ];
  const channels: Partial<Record<DemoChannel, ChannelRecord>> = {};
  for (const spec of specs) {
    const id = await insertChannel(ctx.db, ctx.config.secretKey, {
      organisationId: organisation.id,
      kind: spec.kind,
      name: spec.name,
      settings: spec.settings,
      secrets: {},
      enabled: false,
    });
    channels[spec.kind] = await findChannelRecord(ctx.db, ctx.config.secretKey, organisation.id, id);
  }
  channels.web = await ensureWebChannel(ctx, organisation.id);
  return channels as Record<DemoChannel, ChannelRecord>;
}

/** The default topics with names in every language and the department in charge of each. */
async function seedTopics(ctx: AppContext, organisation: Organisation, people: DemoPeople): Promise<void> {
  await ctx.db
    .insertInto('inbox_topic')
    .values(
      DEFAULT_TOPICS.map((topic) => ({
        organisation_id: organisation.id,
        key: topic.key,
        names: JSON.stringify(TOPIC_NAMES[topic.key] ?? { en: topic.key }),
        keywords: JSON.stringify(topic.keywords),
        department_id: people.departments[TOPIC_DEPARTMENTS[topic.key] ?? ''] ?? null,
        archived_at: null,
      })),
    )
    .execute();
}

async function answer(
  ctx: AppContext,
  channel: ChannelRecord,
  conversationId: number,
  text: string,
  sentAt: Date,
  userId: number | undefined,
  externalId: string,
): Promise<void> {
  await ctx.db
    .insertInto('inbox_message')
    .values({
      organisation_id: channel.organisationId,
      conversation_id: conversationId,
      channel_id: channel.id,
      direction: 'out',
      external_id: externalId,
      in_reply_to: null,
      author_id: null,
      sent_by: userId ?? null,
      subject: null,
      body: text,
      url: null,
      lat: null,
      lng: null,
      attachments: '[]',
      raw: null,
      sent_at: sentAt,
      delivery: 'sent',
      delivery_error: null,
      ...NOT_ANALYSED,
      analysed_at: sentAt,
      erased_at: null,
    })
    .execute();
  await sql`update inbox_conversation set message_count = message_count + 1, last_message_at = greatest(last_message_at, ${sentAt}), first_response_at = coalesce(first_response_at, ${sentAt}) where id = ${conversationId}`.execute(
    ctx.db,
  );
}

/**
 * The demo inbox: conversations on every channel in eight languages (complaints, praise, questions,
 * threads with the city's answers), some assigned, answered, coded, turned into reports or done; two
 * months of everyday messages across the districts; and a wave of complaints about rubbish in the
 * harbour in the last two days, so that the listening dashboard shows trends and an alert at once.
 */
export async function seedInbox(ctx: AppContext, organisation: Organisation, people: DemoPeople): Promise<void> {
  const now = Date.now();
  const rnd = random(2026);
  await seedTopics(ctx, organisation, people);
  const channels = await seedChannels(ctx, organisation);
  const staffOf: Record<string, number | undefined> = {
    waste: people.staff.parks,
    parks: people.staff.parks,
    roads: people.staff.roads,
    participation: people.staff.participation,
    communication: people.staff.communication,
    mobility: people.staff.communication,
  };
  const reports = await findReports(ctx.db, organisation.id, { limit: 10, isOpen: true });
  let reportIndex = 0;

  for (const [index, conversation] of DEMO_CONVERSATIONS.entries()) {
    const channel = channels[conversation.channel];
    const threadKey = `demo-thread-${index}`;
    const authorId =
      conversation.handle ?? `${conversation.author.toLowerCase().replace(/[^a-z]+/g, '.')}@mail.example`;
    let at = now - conversation.daysAgo * DAY - (2 + rnd() * 8) * HOUR;
    let conversationId: number | undefined;
    for (const [position, message] of conversation.messages.entries()) {
      at += (message.afterHours ?? 0) * HOUR;
      const sentAt = new Date(Math.min(at, now - 10 * 60_000));
      const externalId =
        conversation.channel === 'email' ? `<demo-${index}-${position}@mail.example>` : `demo-${index}-${position}`;
      if (message.from === 'resident') {
        const outcome = await ingestMessages(ctx.db, ctx.jobs, channel, [
          {
            externalId,
            threadKey,
            author: {
              externalId: authorId,
              name: conversation.author,
              handle: conversation.handle,
              email: conversation.channel === 'email' || conversation.channel === 'web' ? authorId : undefined,
            },
            subject: position === 0 ? conversation.subject : undefined,
            text: message.text,
            sentAt,
          },
        ]);
        conversationId ??= outcome.conversationIds[0];
      } else if (conversationId !== undefined) {
        await answer(
          ctx,
          channel,
          conversationId,
          message.text,
          sentAt,
          staffOf[conversation.department ?? 'communication'],
          externalId,
        );
      }
    }
    if (conversationId === undefined) continue;
    const status: ConversationStatus = conversation.status ?? 'open';
    const report = conversation.report ? reports[reportIndex++] : undefined;
    await ctx.db
      .updateTable('inbox_conversation')
      .set({
        status,
        done_at: status === 'done' ? new Date(at) : null,
        department_id: conversation.department ? (people.departments[conversation.department] ?? null) : null,
        assignee_id: conversation.department && status !== 'new' ? (staffOf[conversation.department] ?? null) : null,
        report_id: report?.id ?? null,
      })
      .where('id', '=', conversationId)
      .execute();
  }

  // Two months of everyday messages from social networks and the local news, across the districts.
  const streets = [
    'Via dei Mercanti',
    'Via del Porto',
    'Viale del Fiume',
    'Strada delle Vigne',
    'Corso Garibaldi',
    "Via dell'Università",
    'Via Nuova',
    'Lungomare Colombo',
    'Via dei Mulini',
    'Piazza del Duomo',
  ];
  const socials: DemoChannel[] = ['facebook', 'instagram', 'mastodon', 'telegram'];
  const background = Object.entries(DEMO_PHRASES).flatMap(([language, phrases]) =>
    phrases.flatMap((phrase, p) =>
      streets
        .filter((_, s) => (s + p) % 3 === 0)
        .map((street) => ({
          language: language as keyof typeof DEMO_PHRASES,
          text: phrase.text.replace('{place}', DEMO_PLACE_FORMS[language as keyof typeof DEMO_PHRASES](street)),
        })),
    ),
  );
  const flow = [
    ...DEMO_FLOW.map((entry) => ({ channel: entry.channel, text: entry.text })),
    ...background.map((entry, i) => ({ channel: socials[i % socials.length] ?? 'facebook', text: entry.text })),
  ];
  for (const [i, entry] of flow.entries()) {
    const sentAt = new Date(now - (2.2 + rnd() * 58) * DAY);
    await ingestMessages(ctx.db, ctx.jobs, channels[entry.channel], [
      {
        externalId: `demo-flow-${i}`,
        author: {
          externalId: `resident-${1 + Math.floor(rnd() * 60)}`,
          name: `Valmora resident ${1 + Math.floor(rnd() * 60)}`,
        },
        text: entry.text,
        sentAt,
        url: entry.channel === 'feed' ? `https://news.valmora.example/${i}` : undefined,
      },
    ]);
  }
  for (const [i, text] of DEMO_WAVE.entries()) {
    const channel = channels[socials[i % socials.length] ?? 'facebook'];
    await ingestMessages(ctx.db, ctx.jobs, channel, [
      {
        externalId: `demo-wave-${i}`,
        author: { externalId: `harbour-${i}`, name: `Harbour resident ${i + 1}` },
        text,
        sentAt: new Date(now - (1 + rnd() * 34) * HOUR),
      },
    ]);
  }
  await ctx.db
    .updateTable('inbox_conversation')
    .set({ status: 'done', done_at: new Date(now - 2 * DAY) })
    .where('organisation_id', '=', organisation.id)
    .where('thread_key', 'like', 'demo-flow-%')
    .where('last_message_at', '<', new Date(now - 14 * DAY))
    .execute();

  await analyseNewMessages(ctx, organisation.id);
  await seedCoding(ctx, organisation, people);
  await seedTemplates(ctx, organisation);
  // A correction staff made: the classifier of this city learns from it.
  const ironic = await ctx.db
    .selectFrom('inbox_message')
    .select(['id', 'body', 'language'])
    .where('organisation_id', '=', organisation.id)
    .where('external_id', '=', 'demo-wave-7')
    .executeTakeFirst();
  if (ironic) {
    await ctx.db
      .updateTable('inbox_message')
      .set({ sentiment: 'negative', sentiment_by: people.staff.communication ?? null })
      .where('id', '=', ironic.id)
      .execute();
    await recordCorrection(ctx.db, organisation.id, {
      kind: 'sentiment',
      language: 'it',
      text: ironic.body,
      label: 'negative',
      messageId: ironic.id,
      createdBy: people.staff.communication ?? null,
    });
  }
  await raiseAlerts(ctx);
}

/** The city's code book, applied to the first message of the demo conversations that name codes. */
async function seedCoding(ctx: AppContext, organisation: Organisation, people: DemoPeople): Promise<void> {
  const names = [...new Set(DEMO_CONVERSATIONS.flatMap((conversation) => conversation.codes ?? []))];
  const codes = await ctx.db
    .insertInto('inbox_code')
    .values(
      names.map((name) => ({
        organisation_id: organisation.id,
        parent_id: null,
        name,
        description: null,
        archived_at: null,
      })),
    )
    .returning(['id', 'name'])
    .execute();
  const idOf = new Map(codes.map((code) => [code.name, code.id]));
  for (const [index, conversation] of DEMO_CONVERSATIONS.entries()) {
    if (!conversation.codes) continue;
    const first = await ctx.db
      .selectFrom('inbox_message as m')
      .innerJoin('inbox_conversation as c', 'c.id', 'm.conversation_id')
      .select('m.id')
      .where('c.organisation_id', '=', organisation.id)
      .where('c.thread_key', '=', `demo-thread-${index}`)
      .where('m.direction', '=', 'in')
      .orderBy('m.id')
      .executeTakeFirst();
    if (!first) continue;
    await ctx.db
      .insertInto('inbox_message_code')
      .values(
        conversation.codes.flatMap((name) => {
          const codeId = idOf.get(name);
          return codeId === undefined
            ? []
            : [
                {
                  organisation_id: organisation.id,
                  message_id: first.id,
                  code_id: codeId,
                  coded_by: people.staff.communication ?? null,
                },
              ];
        }),
      )
      .execute();
  }
}

async function seedTemplates(ctx: AppContext, organisation: Organisation): Promise<void> {
  const templates = [
    {
      name: 'Thanks — forwarded to the department',
      texts: {
        en: 'Thank you for your message. We have forwarded it to the department in charge, who will get back to you.',
        it: 'Grazie per il suo messaggio. Lo abbiamo inoltrato all’ufficio competente, che le risponderà.',
        fr: 'Merci pour votre message. Nous l’avons transmis au service compétent, qui vous répondra.',
        ro: 'Vă mulțumim pentru mesaj. L-am transmis direcției responsabile, care vă va răspunde.',
        de: 'Vielen Dank für Ihre Nachricht. Wir haben sie an die zuständige Abteilung weitergeleitet, die sich bei Ihnen meldet.',
      },
    },
    {
      name: 'Registered as a report',
      texts: {
        en: 'Thank you. We have registered this as a public report; you can follow its progress at the link we send you.',
        it: 'Grazie. Abbiamo registrato una segnalazione pubblica; può seguirne l’andamento al link che le inviamo.',
        fr: 'Merci. Nous avons enregistré un signalement public ; vous pouvez suivre son avancement grâce au lien envoyé.',
        ro: 'Vă mulțumim. Am înregistrat o sesizare publică; îi puteți urmări evoluția la linkul trimis.',
        de: 'Vielen Dank. Wir haben eine öffentliche Meldung angelegt; den Fortschritt verfolgen Sie über den Link, den wir Ihnen senden.',
      },
    },
    {
      name: 'Fixed',
      texts: {
        en: 'Good news: the problem you told us about has been fixed. Thank you for helping us keep Valmora in good shape.',
        it: 'Buone notizie: il problema che ci ha segnalato è stato risolto. Grazie per aiutarci a prenderci cura di Valmora.',
        fr: 'Bonne nouvelle : le problème signalé est réglé. Merci de nous aider à prendre soin de Valmora.',
        ro: 'Vești bune: problema semnalată a fost rezolvată. Vă mulțumim că ne ajutați să avem grijă de Valmora.',
        de: 'Gute Nachricht: Das gemeldete Problem ist behoben. Danke, dass Sie uns helfen, Valmora in gutem Zustand zu halten.',
      },
    },
  ];
  await ctx.db
    .insertInto('inbox_template')
    .values(
      templates.map((template) => ({
        organisation_id: organisation.id,
        name: template.name,
        texts: JSON.stringify(template.texts),
        archived_at: null,
      })),
    )
    .execute();
}

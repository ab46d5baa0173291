import type { Language } from '../../platform/i18n/languages.ts';
import { translator, type MessageKey } from '../../platform/i18n/translate.ts';
import type { ChannelKind } from './inbox.schema.ts';

/**
 * The words the inbox writes to a resident on their channel, or into what it makes from their message,
 * in the conversation's language (the presenter of conversations.use-cases.ts: the use cases decide
 * what is said and when; this file holds the words).
 */
export function conversationTexts(language: Language) {
  const t = translator(language);
  return {
    /** The answer telling the resident their message became a report. */
    reportTold: (reportId: number, link: string) => t('inbox.report.told', { id: reportId, link }),
    /** The answer telling the resident their message became a proposal. */
    proposalTold: (title: string, link: string) => t('inbox.proposal.told', { title, link }),
    /** The line under a proposal saying where it came from (and from whom, when they agreed). */
    proposalOrigin: (name: string | null, channelKind: ChannelKind) => {
      const channel = t(`inbox.channels.kind.${channelKind}` as MessageKey);
      return name ? t('inbox.proposal.origin', { name, channel }) : t('inbox.proposal.originAnonymous', { channel });
    },
  };
}

/**
 * Politeness is not sentiment. A resident who writes "Bonjour, pouvez-vous … ? Merci" or "Gostaria de
 * saber …" is asking, not praising: in a request, the courtesy words below carry no polarity.
 * Written for this project, folded spelling (lower case, no accents); a trailing '*' matches any
 * ending; "a_b" is two words in a row.
 * - `courtesy`: thanks, please, greetings and polite openings and closings;
 * - `requests`: what makes a message a request (besides a question mark with a courtesy word in it).
 */
import type { MessageLanguage } from '../languages.ts';

export interface CourtesyLists {
  courtesy: string;
  requests: string;
}

export const COURTESY: Record<MessageLanguage, CourtesyLists> = {
  en: {
    courtesy: `thank* thx ty please pls plz hello hi hey dear regards cheers kind kindly good_morning good_afternoon
      good_evening good_day best_regards appreciate* grateful`,
    requests: `could_you can_you would_you will_you please pls plz kindly would_like i'd_like wondering could_someone
      can_someone is_it_possible`,
  },
  fr: {
    courtesy: `merci* bonjour bonsoir salut cordialement svp plait madame monsieur bonne_journee bonne_soiree
      bien_cordialement remercie*`,
    requests: `pouvez pourriez pourrais pourrait voudrais voudrions souhaiterais souhaiterions souhaite aimerais
      svp plait serait_il est_il_possible`,
  },
  de: {
    courtesy: `danke* dank bitte hallo gruss* grusse* freundlichen liebe lieber sehr_geehrte sehr_geehrter guten_tag
      guten_morgen guten_abend vielen_dank`,
    requests: `konnen_sie konnten wurden bitte mochte mochten hatte_gerne ware_es ist_es_moglich`,
  },
  nl: {
    courtesy: `bedankt dank dankje dankjewel dankuwel alstublieft aub graag hallo beste groet* goedemorgen goedemiddag
      goedenavond vriendelijke`,
    requests: `kunt kunnen_jullie kan_iemand zou zouden graag alstublieft aub`,
  },
  es: {
    courtesy: `gracias favor porfa hola saludos* cordial* buenos_dias buenas_tardes buenas_noches agradec* estimad*
      muchas_gracias`,
    requests: `podrian podria pueden puede_usted quisiera quisieramos gustaria favor porfa agradeceria`,
  },
  pt: {
    courtesy: `obrigad* valeu favor ola cumprimentos atenciosamente bom_dia boa_tarde boa_noite gostaria gostariamos
      agradec* prezad* caro cara`,
    requests: `gostaria gostariamos poderiam poderia podem favor agradeceria agradecia`,
  },
  it: {
    courtesy: `grazie* prego cortesia salve buongiorno buonasera ciao saluti cordiali distinti gentil* egregi*
      ringrazi*`,
    requests: `potreste potete potrebbe potrebbero vorrei vorremmo cortesia prego sarebbe_possibile`,
  },
  ro: {
    courtesy: `multumesc multumim mersi va_rog rog buna_ziua buna_dimineata buna_seara salut stimate stimata cu_stima
      cu_respect`,
    requests: `puteti ati_putea va_rog rog as_dori am_dori doresc se_poate`,
  },
  hu: {
    courtesy: `koszonom koszonjuk koszi kosz kerem kerjuk jo_napot udvozlettel udv tisztelt kedves`,
    requests: `kerem kerjuk kernem kernenk szeretnem szeretnenk tudnanak tudna lehetne`,
  },
  et: {
    courtesy: `aitah tanan taname tanud palun tere tervitades lugupidamisega lugupeetud hea_paev`,
    requests: `palun kas_saaksite saaksite sooviksin sooviksime tahaksin kas_oleks`,
  },
  bg: {
    courtesy: `благодаря благодарим мерси моля здравеите поздрави уважаеми уважаема добър_ден`,
    requests: `моля бихте може_ли можете_ли искам_да бих`,
  },
};

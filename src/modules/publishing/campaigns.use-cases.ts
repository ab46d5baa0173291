import type { Viewer } from '../../platform/auth/users.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { isStorableIsoDate } from '../../platform/validation.ts';
import { findCampaign, saveCampaignRow, type CampaignValues } from './campaigns.repository.ts';
import { normaliseHashtag } from './campaigns.ts';
import { authorizePublishing } from './publishing.policy.ts';

export interface CampaignInput extends Omit<CampaignValues, 'hashtags'> {
  hashtags: string;
}

export type CampaignOutcome =
  { ok: true; id: number } | { ok: false; code: 'VALIDATION_FAILED'; fields: Record<string, string> };

const UTM = /^[\p{L}\p{N}_.-]{1,100}$/u;

/** Creates or changes a campaign: dates in order, hashtags cleaned (without #), UTM values plain. */
export async function saveCampaign(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number | undefined,
  input: CampaignInput,
): Promise<CampaignOutcome> {
  authorizePublishing(viewer, 'campaigns');
  if (id !== undefined && !(await findCampaign(ctx.db, organisation.id, id)))
    throw new AppError('PUBLISHING_CAMPAIGN_NOT_FOUND');
  const fields: Record<string, string> = {};
  if (!/^[a-z0-9][a-z0-9-]{0,79}$/.test(input.slug)) fields.slug = 'invalid';
  if (!(input.name[organisation.defaultLanguage] ?? '').trim())
    fields[`name_${organisation.defaultLanguage}`] = 'required';
  for (const [name, day] of [
    ['startsOn', input.startsOn],
    ['endsOn', input.endsOn],
  ] as const)
    if (day !== null && !isStorableIsoDate(day)) fields[name] = 'invalid';
  if (input.startsOn && input.endsOn && input.endsOn < input.startsOn) fields.endsOn = 'out-of-range';
  const tags = input.hashtags.split(/[\s,]+/).filter(Boolean);
  const hashtags = tags.map(normaliseHashtag);
  if (hashtags.some((tag) => tag === undefined) || tags.length > 20) fields.hashtags = 'invalid';
  for (const [name, value] of [
    ['utmSource', input.utmSource],
    ['utmMedium', input.utmMedium],
    ['utmCampaign', input.utmCampaign],
  ] as const)
    if (value !== null && !UTM.test(value)) fields[name] = 'invalid';
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  const values: CampaignValues = {
    ...input,
    hashtags: [...new Set(hashtags.filter((tag): tag is string => tag !== undefined))],
  };
  return ctx.db.transaction().execute(async (tx) => {
    const saved = await saveCampaignRow(tx, organisation.id, id, values);
    if (saved === undefined)
      return { ok: false as const, code: 'VALIDATION_FAILED' as const, fields: { slug: 'taken' } };
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: id === undefined ? 'publishing.campaign.create' : 'publishing.campaign.change',
      subjectType: 'publishing_campaign',
      subjectId: saved,
      after: values,
    });
    return { ok: true as const, id: saved };
  });
}

import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { consumeRateLimit } from '../../../platform/auth/rate-limit.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { html } from '../../../platform/web/html.ts';
import { cityName, csrfField, errorSummary, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { findDistricts, type District } from '../../places/index.ts';
import type { ChannelRecord, InboxChannels } from '../channels/channel.ts';
import { findWebThreadFor, setMessagePlace } from '../contact.repository.ts';
import { codedError, inputField, selectInput, textareaInput } from './shared.ts';
import { isEmail } from '../../../platform/validation.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { ContactFormSchema } from '../inbox.forms.ts';

export const CONTACT_LIMITS = { name: 120, email: 320, place: 300, message: 4000 } as const;
/** A person's contact-form messages within this many days continue one conversation. */
const THREAD_DAYS = 30;

interface ContactForm {
  name: string;
  email: string;
  district: string;
  place: string;
  message: string;
}

type ContactErrors = Partial<Record<keyof ContactForm, string>>;

/** Checks the form; returns error codes by field (empty when the form can be sent). */
export function checkContactForm(form: ContactForm, districts: District[]): ContactErrors {
  const errors: ContactErrors = {};
  if (!isEmail(form.email) || form.email.length > CONTACT_LIMITS.email) errors.email = 'INBOX_CONTACT_EMAIL_INVALID';
  if (form.message === '') errors.message = 'INBOX_CONTACT_MESSAGE_REQUIRED';
  else if (form.message.length > CONTACT_LIMITS.message) errors.message = 'INBOX_CONTACT_TOO_LONG';
  if (form.name.length > CONTACT_LIMITS.name) errors.name = 'INBOX_CONTACT_TOO_LONG';
  if (form.place.length > CONTACT_LIMITS.place) errors.place = 'INBOX_CONTACT_TOO_LONG';
  if (form.district !== '' && !districts.some((d) => String(d.id) === form.district))
    errors.district = 'INBOX_CONTACT_DISTRICT_UNKNOWN';
  return errors;
}

function renderContact(
  request: FastifyRequest,
  reply: FastifyReply,
  districts: District[],
  form: ContactForm,
  errors: ContactErrors = {},
  open = true,
): FastifyReply {
  const { t } = request;
  const messages = Object.fromEntries(
    Object.entries(errors).map(([field, code]) => [field, t(`inbox.error.${code}` as never)]),
  );
  const error = (field: keyof ContactForm) =>
    errors[field] ? codedError(field, errors[field], messages[field] ?? '') : undefined;
  const districtChoices = [
    { value: '', label: t('inbox.contactForm.districtNone') },
    ...districts.map((d) => ({
      value: String(d.id),
      label: localized(d.name, request.lang, request.organisation.defaultLanguage),
    })),
  ];
  return renderPage(request, reply, {
    title: t('inbox.contactForm.title'),
    description: t('inbox.contactForm.lead', { city: cityName(request) }),
    status: Object.keys(errors).length ? 400 : 200,
    main: html`<h1>${t('inbox.contactForm.title')}</h1>
<p>${t('inbox.contactForm.lead', { city: cityName(request) })}</p>
${errorSummary(request, messages)}
${
  open
    ? html`<form method="post" action="/contact" novalidate>
  ${csrfField(request)}
  ${inputField({ name: 'name', label: t('inbox.contactForm.name'), hint: t('inbox.contactForm.optional'), value: form.name, maxlength: CONTACT_LIMITS.name, autocomplete: 'name', error: error('name') })}
  ${inputField({ name: 'email', type: 'email', label: t('inbox.contactForm.email'), hint: t('inbox.contactForm.emailHint'), value: form.email, maxlength: CONTACT_LIMITS.email, autocomplete: 'email', required: true, error: error('email') })}
  ${selectInput({ name: 'district', label: t('inbox.contactForm.district'), hint: t('inbox.contactForm.optional'), choices: districtChoices, value: form.district, error: error('district') })}
  ${inputField({ name: 'place', label: t('inbox.contactForm.place'), hint: t('inbox.contactForm.placeHint'), value: form.place, maxlength: CONTACT_LIMITS.place, error: error('place') })}
  ${textareaInput({ name: 'message', label: t('inbox.contactForm.message'), value: form.message, maxlength: CONTACT_LIMITS.message, rows: 8, required: true, error: error('message') })}
  <p class="muted">${t('inbox.contactForm.privacy')}</p>
  <button type="submit" class="button">${t('inbox.contactForm.submit')}</button>
</form>`
    : html`<p role="status">${t('inbox.contactForm.closed')}</p>`
}`,
  });
}

function formFrom(body: unknown): ContactForm {
  const form = readForm(ContactFormSchema, body);
  if (!form.ok) throw invalidForm(form.errors);
  return { ...form.value, message: form.value.message.replace(/\r\n/g, '\n') };
}

/**
 * The public "contact the city" page. Posting it stores the message through the inbox's ingestion
 * (once, threaded, analysed like every other channel) and says so on the next page. Rate-limited per
 * address like every public write; refused input is shown again with every problem and stores nothing.
 */
export function registerContactPages(
  app: App,
  ctx: AppContext,
  inbox: InboxChannels,
  ensureWebChannel: (ctx: AppContext, organisationId: number) => Promise<ChannelRecord | undefined>,
): void {
  const cityDistricts = async (organisationId: number) =>
    (await findDistricts(ctx.db, organisationId)).filter((d) => d.kind === 'district');

  app.get('/contact', { schema: { hide: true } }, async (request, reply) => {
    const channel = await ensureWebChannel(ctx, request.organisation.id);
    return renderContact(
      request,
      reply,
      await cityDistricts(request.organisation.id),
      formFrom({}),
      {},
      channel !== undefined,
    );
  });

  app.post('/contact', { schema: { hide: true } }, async (request, reply) => {
    const organisationId = request.organisation.id;
    const rate = await consumeRateLimit(ctx.db, organisationId, {
      key: `inbox-contact:ip:${request.ip}`,
      ...ctx.config.rateLimits.publicWrite,
    });
    if (!rate.allowed) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: rate.retryAfterSeconds });
    const channel = await ensureWebChannel(ctx, organisationId);
    if (!channel) throw new AppError('INBOX_CHANNEL_DISABLED');
    const districts = await cityDistricts(organisationId);
    const form = formFrom(request.body);
    const errors = checkContactForm(form, districts);
    if (Object.keys(errors).length) return renderContact(request, reply, districts, form, errors);

    const email = form.email.toLowerCase();
    const externalId = randomUUID();
    const thread = await findWebThreadFor(ctx.db, channel.id, email, new Date(Date.now() - THREAD_DAYS * 86_400_000));
    const districtId = form.district === '' ? null : Number(form.district);
    await inbox.ingest(channel, [
      {
        externalId,
        threadKey: thread ?? externalId,
        author: { externalId: email, email, name: form.name || undefined },
        subject: form.message.split('\n')[0]?.slice(0, 100),
        text: form.message,
        sentAt: new Date(),
        raw: { form: 'contact', language: request.lang, districtId, place: form.place || null },
      },
    ]);
    if (districtId !== null || form.place)
      await setMessagePlace(ctx.db, channel.id, externalId, districtId, form.place || null);
    setNotice(reply, 'inbox.contactForm.sent');
    return reply.redirect('/contact', 303);
  });
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { localized, type MessageKey } from '../../platform/i18n/translate.ts';
import { html, raw } from '../../platform/web/html.ts';
import { invalidForm, readForm } from '../../platform/web/forms.ts';
import { csrfField, errorSummary, field, formatDate, renderPage, setNotice } from '../../platform/web/layout.ts';
import { findDistricts } from '../places/index.ts';
import { authorizeVerification, mayVerify } from './verification.policy.ts';
import { countCensus, findVerification } from './verification.repository.ts';
import { CensusImportForm, CensusVerificationForm, InPersonVerificationForm } from './verification.forms.ts';
import {
  importCensus,
  parseCensusCsv,
  verifyInPerson,
  verifyWithCensus,
  type CensusImportResult,
} from './verification.use-cases.ts';

const MAX_CENSUS_BYTES = 20 * 1024 * 1024;

/** The message key explaining a verification error code to the person who made it. */
export function verificationErrorKey(code: string): MessageKey {
  return `verification.error.${code}` as MessageKey;
}

/** The resident's verification page, the staff desk and the census import. */
export async function registerVerificationPages(app: App, ctx: AppContext): Promise<void> {
  app.get('/account/verification', async (request, reply) => residentPage(request, reply));

  app.post('/account/verification', async (request, reply) => {
    if (!request.viewer) throw new AppError(request.sessionToken ? 'SESSION_EXPIRED' : 'AUTHENTICATION_REQUIRED');
    const form = readForm(CensusVerificationForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const values = { documentNumber: form.value.documentNumber, birthDate: form.value.birthDate };
    const outcome = await verifyWithCensus(ctx, request.viewer, request.organisation, values);
    if (!outcome.ok)
      return residentPage(
        request,
        reply,
        { [outcome.field ?? 'documentNumber']: request.t(verificationErrorKey(outcome.code)) },
        values.birthDate,
      );
    setNotice(reply, 'verification.done');
    const { next } = form.value;
    return reply.redirect(/^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/account/verification', 303);
  });

  async function residentPage(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: Record<string, string> = {},
    birthDate = '',
  ) {
    const { t, viewer, organisation } = request;
    if (!viewer) return reply.redirect(`/sign-in?next=${encodeURIComponent('/account/verification')}`, 303);
    const verification = await findVerification(ctx.db, organisation.id, viewer.id);
    const districts = verification?.districtId ? await findDistricts(ctx.db, organisation.id) : [];
    const district = districts.find((d) => d.id === verification?.districtId);
    const next = (request.query as Record<string, unknown> | undefined)?.next;
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: t('verification.title'),
      noIndex: true,
      status: Object.keys(errors).length ? 422 : 200,
      main: html`<h1>${t('verification.title')}</h1>
${errorSummary(request, errors)}
<p>${t('verification.intro')}</p>
<dl class="stack">
  <dt>${t('verification.level')}</dt>
  <dd>${verification ? t('verification.level.verified') : viewer.emailConfirmed ? t('verification.level.email') : t('verification.level.none')}</dd>
  ${verification ? html`<dt>${t('verification.since')}</dt><dd>${formatDate(request, verification.verifiedAt)} (${t(`verification.method.${verification.method}` as MessageKey)})</dd>` : ''}
  ${district ? html`<dt>${t('verification.district')}</dt><dd>${localized(district.name, request.lang, organisation.defaultLanguage)}</dd>` : ''}
</dl>
${
  verification
    ? ''
    : html`<form method="post" action="/account/verification" class="stack" novalidate>
  ${csrfField(request)}
  <input type="hidden" name="next" value="${typeof next === 'string' ? next : ''}">
  ${field({ name: 'documentNumber', label: t('verification.documentNumber'), hint: t('verification.documentNumber.hint'), error: errors.documentNumber, required: true, autocomplete: 'off', maxlength: 64 })}
  ${field({ name: 'birthDate', label: t('verification.birthDate'), type: 'date', value: birthDate, error: errors.birthDate, required: true, autocomplete: 'bday' })}
  <button type="submit" class="button">${t('verification.submit')}</button>
</form>
<p class="muted">${t('verification.inPersonHint')}</p>`
}`,
    });
  }

  app.get('/admin/verification', async (request, reply) => {
    authorizeVerification(request.viewer, 'verify-in-person');
    return staffPage(request, reply);
  });

  app.post('/admin/verification/in-person', async (request, reply) => {
    authorizeVerification(request.viewer, 'verify-in-person');
    const form = readForm(InPersonVerificationForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const values = { ...form.value, districtId: form.value.districtId ?? null };
    const outcome = await verifyInPerson(ctx, request.viewer, request.organisation, values);
    if (!outcome.ok)
      return staffPage(request, reply, {
        errors: { [outcome.field ?? 'email']: request.t(verificationErrorKey(outcome.code)) },
        email: values.email,
      });
    setNotice(reply, 'verification.inPerson.done');
    return reply.redirect('/admin/verification', 303);
  });

  // The census file arrives as multipart (a file input) or urlencoded (pasted into the text area).
  await app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_CENSUS_BYTES, files: 1, fields: 10, fieldSize: MAX_CENSUS_BYTES, parts: 12 },
    });
    scope.post('/admin/verification/census', { bodyLimit: MAX_CENSUS_BYTES + 65_536 }, async (request, reply) => {
      authorizeVerification(request.viewer, 'import-census');
      const form = readForm(CensusImportForm, request.body);
      if (!form.ok) throw invalidForm(form.errors);
      const csv = form.value.file.trim() || form.value.csv;
      const parsed = parseCensusCsv(csv);
      if (parsed.problem)
        return staffPage(request, reply, { errors: { csv: request.t('verification.census.badHeader') } });
      const result = await importCensus(ctx, request.viewer, request.organisation, parsed.rows);
      return staffPage(request, reply, { result });
    });
  });

  async function staffPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { errors?: Record<string, string>; email?: string; result?: CensusImportResult } = {},
  ) {
    const { t, organisation, viewer } = request;
    const errors = options.errors ?? {};
    const counts = await countCensus(ctx.db, organisation.id);
    const districts = (await findDistricts(ctx.db, organisation.id)).filter((d) => d.kind === 'district');
    const result = options.result;
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: t('verification.admin.title'),
      noIndex: true,
      status: Object.keys(errors).length ? 422 : 200,
      main: html`<p><a href="/admin">${t('site.admin')}</a></p>
<h1>${t('verification.admin.title')}</h1>
${errorSummary(request, errors)}
<p>${t('verification.admin.counts', { entries: counts.entries, verified: counts.verified })}</p>
${
  result
    ? html`<div class="notice" role="status"><p>${t('verification.census.result', { count: result.received, inserted: result.inserted, updated: result.updated, rejected: result.rejected.length })}</p>
${result.rejected.length ? html`<ul>${result.rejected.slice(0, 50).map((r) => html`<li>${t('verification.census.rejectedRow', { row: r.row })}: ${t(`verification.census.problem.${r.problem}` as MessageKey)}</li>`)}</ul>` : ''}</div>`
    : ''
}
<section aria-labelledby="in-person-title" class="card">
  <h2 id="in-person-title">${t('verification.inPerson.title')}</h2>
  <p>${t('verification.inPerson.intro')}</p>
  <form method="post" action="/admin/verification/in-person" class="stack" novalidate>
    ${csrfField(request)}
    ${field({ name: 'email', label: t('verification.inPerson.email'), type: 'email', value: options.email, error: errors.email, required: true })}
    ${field({ name: 'documentNumber', label: t('verification.documentNumber'), error: errors.documentNumber, required: true, autocomplete: 'off' })}
    ${field({ name: 'birthDate', label: t('verification.birthDate'), type: 'date', error: errors.birthDate, required: true })}
    <div class="field${errors.districtId ? ' field--error' : ''}">
      <label for="districtId">${t('verification.district')}</label>
      <select id="districtId" name="districtId"><option value="">${t('verification.district.none')}</option>${districts.map((d) => html`<option value="${d.id}">${localized(d.name, request.lang, organisation.defaultLanguage)}</option>`)}</select>
    </div>
    <button type="submit" class="button">${t('verification.inPerson.submit')}</button>
  </form>
</section>
${
  mayVerify(viewer, 'import-census')
    ? html`<section aria-labelledby="census-title" class="card">
  <h2 id="census-title">${t('verification.census.title')}</h2>
  <p>${t('verification.census.intro')}</p>
  <form method="post" action="/admin/verification/census" enctype="multipart/form-data" class="stack">
    ${csrfField(request)}
    <div class="field"><label for="file">${t('verification.census.file')}</label><input type="file" id="file" name="file" accept=".csv,text/csv"></div>
    <div class="field${errors.csv ? ' field--error' : ''}"><label for="csv">${t('verification.census.paste')}</label>
    ${errors.csv ? html`<p class="field__error" id="csv-error">${errors.csv}</p>` : ''}
    <textarea id="csv" name="csv" rows="6"${errors.csv ? raw(' aria-describedby="csv-error" aria-invalid="true"') : ''}>documentNumber,birthDate,districtCode</textarea></div>
    <button type="submit" class="button">${t('verification.census.submit')}</button>
  </form>
</section>`
    : ''
}`,
    });
  }
}

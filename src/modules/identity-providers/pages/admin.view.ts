import type { FastifyRequest } from 'fastify';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { translatedInputs } from '../../../platform/web/components/translated-inputs.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field } from '../../../platform/web/layout.ts';
import type { ProviderProblems, ProviderSummary } from '../providers.use-cases.ts';

/** What the form shows: the stored provider, or what was typed (the secret is never shown back). */
export interface FormState {
  name: Record<string, string>;
  issuer: string;
  clientId: string;
  scopes: string;
  audience: string;
  grantsLevel: string;
  linkByEmail: boolean;
  enabled: boolean;
}

export const EMPTY_FORM: FormState = {
  name: {},
  issuer: '',
  clientId: '',
  scopes: 'openid email profile',
  audience: 'residents',
  grantsLevel: 'none',
  linkByEmail: false,
  enabled: true,
};

export function listView(request: FastifyRequest, providers: ProviderSummary[], redirectUri: string): Html {
  const { t } = request;
  return html`<h1>${t('identityProviders.admin.title')}</h1>
<p>${t('identityProviders.admin.intro')}</p>
<p>${t('identityProviders.admin.redirectUri')} <code>${redirectUri}</code></p>
<p><a class="button" href="/admin/identity-providers/new">${t('identityProviders.admin.new')}</a></p>
${
  providers.length === 0
    ? html`<p>${t('identityProviders.admin.empty')}</p>`
    : html`<div class="table-wrap"><table class="data-table">
  <caption class="visually-hidden">${t('identityProviders.admin.title')}</caption>
  <thead><tr><th scope="col">${t('identityProviders.admin.name')}</th><th scope="col">${t('identityProviders.admin.issuer')}</th><th scope="col">${t('identityProviders.admin.audience')}</th><th scope="col">${t('identityProviders.admin.grantsLevel')}</th><th scope="col">${t('identityProviders.admin.state')}</th></tr></thead>
  <tbody>${providers.map(
    (p) => html`<tr>
    <td><a href="/admin/identity-providers/${p.id}">${localized(p.name, request.lang, request.organisation.defaultLanguage)}</a></td>
    <td><code>${p.issuer}</code></td>
    <td>${t(`identityProviders.audience.${p.audience}`)}</td>
    <td>${t(`identityProviders.level.${p.grantsLevel}`)}</td>
    <td>${p.enabled ? t('identityProviders.admin.on') : t('identityProviders.admin.off')}${p.secret === 'unreadable' ? html`<br><span class="tag tag--warning">${t('identityProviders.admin.secretUnreadable')}</span>` : ''}</td>
  </tr>`,
  )}</tbody>
</table></div>`
}`;
}

/** The texts of the problem codes, field by field. */
export function problemTexts(request: FastifyRequest, problems: ProviderProblems): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [name, code] of Object.entries(problems)) {
    const key = `identityProviders.problem.${code}` as MessageKey;
    const fieldName = name === 'name' ? `name_${request.organisation.languages[0] ?? 'en'}` : name;
    texts[fieldName] = request.t(key);
  }
  return texts;
}

function select(
  request: FastifyRequest,
  name: 'audience' | 'grantsLevel',
  options: ReadonlyArray<{ value: string; label: MessageKey }>,
  value: string,
  error: string | undefined,
): Html {
  const { t } = request;
  return html`<div class="field${error ? ' field--error' : ''}">
  <label for="${name}">${t(`identityProviders.admin.${name}`)}</label>
  <p class="field__hint" id="${name}-hint">${t(`identityProviders.admin.${name}Hint`)}</p>
  ${error ? html`<p class="field__error" id="${name}-error">${error}</p>` : ''}
  <select id="${name}" name="${name}" aria-describedby="${name}-hint${error ? ` ${name}-error` : ''}">
    ${options.map((option) => html`<option value="${option.value}"${option.value === value ? raw(' selected') : ''}>${t(option.label)}</option>`)}
  </select>
</div>`;
}

function checkbox(request: FastifyRequest, name: string, label: MessageKey, checked: boolean): Html {
  return html`<div class="checkbox"><input type="checkbox" id="${name}" name="${name}" value="yes"${checked ? raw(' checked') : ''}><label for="${name}">${request.t(label)}</label></div>`;
}

export function providerForm(
  request: FastifyRequest,
  options: {
    action: string;
    title: string;
    values: FormState;
    errors: Record<string, string>;
    provider?: ProviderSummary;
    redirectUri: string;
  },
): Html {
  const { t } = request;
  const { values, errors, provider } = options;
  return html`<p><a href="/admin/identity-providers">${t('identityProviders.admin.back')}</a></p>
<h1>${options.title}</h1>
${errorSummary(request, errors)}
<p>${t('identityProviders.admin.redirectUri')} <code>${options.redirectUri}</code></p>
<form method="post" action="${options.action}" class="stack" novalidate>
  ${csrfField(request)}
  ${translatedInputs(request, 'name', 'identityProviders.admin.name', values.name, errors)}
  ${field({ name: 'issuer', label: t('identityProviders.admin.issuer'), type: 'url', hint: t('identityProviders.admin.issuerHint'), value: values.issuer, error: errors.issuer, required: true, maxlength: 500 })}
  ${field({ name: 'clientId', label: t('identityProviders.admin.clientId'), value: values.clientId, error: errors.clientId, required: true, maxlength: 300 })}
  ${field({ name: 'clientSecret', label: t('identityProviders.admin.clientSecret'), type: 'password', hint: t(provider?.secret === 'set' ? 'identityProviders.admin.clientSecretKeep' : provider?.secret === 'unreadable' ? 'identityProviders.admin.secretUnreadable' : 'identityProviders.admin.clientSecretHint'), autocomplete: 'off', maxlength: 500 })}
  ${provider && provider.secret !== 'none' ? checkbox(request, 'removeSecret', 'identityProviders.admin.removeSecret', false) : ''}
  ${field({ name: 'scopes', label: t('identityProviders.admin.scopes'), hint: t('identityProviders.admin.scopesHint'), value: values.scopes, error: errors.scopes, maxlength: 300 })}
  ${select(
    request,
    'audience',
    [
      { value: 'residents', label: 'identityProviders.audience.residents' },
      { value: 'staff', label: 'identityProviders.audience.staff' },
    ],
    values.audience,
    errors.audience,
  )}
  ${select(
    request,
    'grantsLevel',
    [
      { value: 'none', label: 'identityProviders.level.none' },
      { value: 'verified', label: 'identityProviders.level.verified' },
    ],
    values.grantsLevel,
    errors.grantsLevel,
  )}
  ${checkbox(request, 'linkByEmail', 'identityProviders.admin.linkByEmail', values.linkByEmail)}
  ${checkbox(request, 'enabled', 'identityProviders.admin.enabled', values.enabled)}
  <button type="submit" class="button">${t('form.save')}</button>
</form>
${
  provider
    ? html`<form method="post" action="/admin/identity-providers/${provider.id}/delete" class="stack">
  ${csrfField(request)}
  <p>${t('identityProviders.admin.deleteText')}</p>
  <button type="submit" class="button button--danger">${t('identityProviders.admin.delete')}</button>
</form>`
    : ''
}`;
}

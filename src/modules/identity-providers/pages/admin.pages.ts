import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { requireId } from '../../../platform/validation.ts';
import {
  Checkbox,
  fieldErrorTexts,
  invalidForm,
  perLanguages,
  readForm,
  translatedFields,
  translatedValue,
} from '../../../platform/web/forms.ts';
import { renderPage, setNotice } from '../../../platform/web/layout.ts';
import { ProviderFields } from '../identity-providers.schema.ts';
import {
  changeProvider,
  createProvider,
  getProvider,
  listProviders,
  redirectUri,
  removeProvider,
  type ProviderInput,
  type ProviderSummary,
} from '../providers.use-cases.ts';
import { EMPTY_FORM, listView, problemTexts, providerForm, type FormState } from './admin.view.ts';

const providerSchema = perLanguages((languages) =>
  Type.Object({
    ...translatedFields('name', languages),
    ...ProviderFields,
    removeSecret: Type.Optional(Checkbox()),
  }),
);

function stateOf(provider: ProviderSummary): FormState {
  return {
    name: provider.name,
    issuer: provider.issuer,
    clientId: provider.clientId,
    scopes: provider.scopes,
    audience: provider.audience,
    grantsLevel: provider.grantsLevel,
    linkByEmail: provider.linkByEmail,
    enabled: provider.enabled,
  };
}

/** The city administrators' pages: the providers, a new one, one to change or remove. */
export function registerAdminPages(app: App, ctx: AppContext): void {
  const show = (
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values: FormState; errors: Record<string, string>; provider?: ProviderSummary },
  ) => {
    reply.header('cache-control', 'no-store');
    const title = options.provider
      ? request.t('identityProviders.admin.edit')
      : request.t('identityProviders.admin.new');
    return renderPage(request, reply, {
      title,
      noIndex: true,
      status: Object.keys(options.errors).length > 0 ? 400 : 200,
      main: providerForm(request, {
        action: options.provider ? `/admin/identity-providers/${options.provider.id}` : '/admin/identity-providers',
        title,
        values: options.values,
        errors: options.errors,
        ...(options.provider ? { provider: options.provider } : {}),
        redirectUri: redirectUri(ctx, request.organisation),
      }),
    });
  };

  /** The posted form: the input for the use case, or the field errors a schema finds (a text too long). */
  const read = (request: FastifyRequest) => {
    const languages = request.organisation.languages;
    const form = readForm(providerSchema(languages), request.body);
    if (!form.ok) {
      const known = new Set(['issuer', 'clientId', 'clientSecret', 'scopes', 'audience', 'grantsLevel']);
      if (form.errors.some((error) => !known.has(error.field) && !error.field.startsWith('name_')))
        throw invalidForm(form.errors);
      const input = form.input as Record<string, unknown>;
      const text = (name: string) => (typeof input[name] === 'string' ? input[name] : '');
      return {
        ok: false as const,
        values: {
          ...EMPTY_FORM,
          name: translatedValue(input, 'name', languages),
          issuer: text('issuer'),
          clientId: text('clientId'),
          scopes: text('scopes'),
          audience: text('audience') || EMPTY_FORM.audience,
          grantsLevel: text('grantsLevel') || EMPTY_FORM.grantsLevel,
          linkByEmail: input.linkByEmail === true,
          enabled: input.enabled === true,
        },
        errors: fieldErrorTexts(request.t, form.errors, {}, 'identityProviders.problem.tooLong'),
      };
    }
    const value = form.value as typeof form.value & Record<string, unknown>;
    const input: ProviderInput = {
      name: translatedValue(value, 'name', languages),
      issuer: value.issuer,
      clientId: value.clientId,
      clientSecret: value.clientSecret ?? '',
      removeSecret: value.removeSecret === true,
      scopes: value.scopes,
      audience: value.audience,
      grantsLevel: value.grantsLevel,
      linkByEmail: value.linkByEmail,
      enabled: value.enabled,
    };
    const { clientSecret: _secret, removeSecret: _remove, ...values } = input;
    return { ok: true as const, input, values };
  };

  app.get('/admin/identity-providers', { schema: { hide: true } }, async (request, reply) => {
    const providers = await listProviders(ctx, request.viewer, request.organisation);
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: request.t('identityProviders.admin.title'),
      noIndex: true,
      main: listView(request, providers, redirectUri(ctx, request.organisation)),
    });
  });

  app.get('/admin/identity-providers/new', { schema: { hide: true } }, async (request, reply) => {
    await listProviders(ctx, request.viewer, request.organisation); // the policy
    return show(request, reply, { values: EMPTY_FORM, errors: {} });
  });

  app.post('/admin/identity-providers', { schema: { hide: true } }, async (request, reply) => {
    await listProviders(ctx, request.viewer, request.organisation); // the policy before showing anything
    const form = read(request);
    if (!form.ok) return show(request, reply, { values: form.values, errors: form.errors });
    const outcome = await createProvider(ctx, request.viewer, request.organisation, form.input);
    if (!outcome.ok)
      return show(request, reply, { values: form.values, errors: problemTexts(request, outcome.fields) });
    setNotice(reply, 'identityProviders.notice.saved');
    return reply.redirect('/admin/identity-providers', 303);
  });

  app.get('/admin/identity-providers/:id', { schema: { hide: true } }, async (request, reply) => {
    const id = requireId((request.params as { id?: unknown }).id, 'IDENTITY_PROVIDER_NOT_FOUND');
    const provider = await getProvider(ctx, request.viewer, request.organisation, id);
    return show(request, reply, { values: stateOf(provider), errors: {}, provider });
  });

  app.post('/admin/identity-providers/:id', { schema: { hide: true } }, async (request, reply) => {
    const id = requireId((request.params as { id?: unknown }).id, 'IDENTITY_PROVIDER_NOT_FOUND');
    const provider = await getProvider(ctx, request.viewer, request.organisation, id);
    const form = read(request);
    if (!form.ok) return show(request, reply, { values: form.values, errors: form.errors, provider });
    const outcome = await changeProvider(ctx, request.viewer, request.organisation, id, form.input);
    if (!outcome.ok)
      return show(request, reply, { values: form.values, errors: problemTexts(request, outcome.fields), provider });
    setNotice(reply, 'identityProviders.notice.saved');
    return reply.redirect('/admin/identity-providers', 303);
  });

  app.post('/admin/identity-providers/:id/delete', { schema: { hide: true } }, async (request, reply) => {
    const id = requireId((request.params as { id?: unknown }).id, 'IDENTITY_PROVIDER_NOT_FOUND');
    await removeProvider(ctx, request.viewer, request.organisation, id);
    setNotice(reply, 'identityProviders.notice.removed');
    return reply.redirect('/admin/identity-providers', 303);
  });
}

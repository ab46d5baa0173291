import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { requireId } from '../../../platform/validation.ts';
import { readForm } from '../../../platform/web/forms.ts';
import { renderPage, setNotice } from '../../../platform/web/layout.ts';
import { SubscriptionForm } from '../webhooks.forms.ts';
import {
  createSubscription,
  deliveryDetail,
  eventTypes,
  listSubscriptions,
  pauseSubscription,
  redeliver,
  removeSubscription,
  resumeSubscription,
  rotateSecret,
  subscriptionDetail,
  updateSubscription,
  type SaveOutcome,
} from '../webhooks.use-cases.ts';
import {
  deliveryView,
  detailView,
  listView,
  subscriptionForm,
  type FormErrors,
  type FormValues,
} from './webhooks.view.ts';

const NOT_FOUND = 'WEBHOOKS_SUBSCRIPTION_NOT_FOUND';

/** A delivery id in a path: a positive bigint written in digits, or 404. */
function deliveryId(value: unknown): string {
  if (typeof value !== 'string' || !/^[1-9]\d{0,17}$/.test(value)) throw new AppError('WEBHOOKS_DELIVERY_NOT_FOUND');
  return value;
}

function param(request: FastifyRequest, name: string): unknown {
  return (request.params as Record<string, unknown>)[name];
}

/** The posted form, or its errors as the page shows them (a text too long is the only problem a schema finds). */
function readSubscription(body: unknown): { values: FormValues; errors: FormErrors } {
  const form = readForm(SubscriptionForm, body);
  if (form.ok) return { values: { ...form.value, events: form.value.events ?? [] }, errors: {} };
  const input = form.input as Partial<Record<keyof FormValues, unknown>>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const events = Array.isArray(input.events) ? input.events.filter((e): e is string => typeof e === 'string') : [];
  const errors: FormErrors = {};
  for (const error of form.errors) {
    if (error.field === 'url') errors.url = 'tooLong';
    else if (error.field === 'description') errors.description = 'tooLong';
    else errors.events = 'required';
  }
  return { values: { url: text(input.url), description: text(input.description), events }, errors };
}

function problems(outcome: Extract<SaveOutcome, { ok: false }>): FormErrors {
  return {
    ...(outcome.fields.url ? { url: outcome.fields.url } : {}),
    ...(outcome.fields.events ? { events: 'required' } : {}),
  };
}

/** The city administrators' pages: subscriptions, a subscription with its secret and deliveries log, a delivery. */
export function registerWebhooksPages(app: App, ctx: AppContext): void {
  const renderNew = (request: FastifyRequest, reply: FastifyReply, values: FormValues, errors: FormErrors) =>
    renderPage(request, reply, {
      title: request.t('webhooks.new'),
      noIndex: true,
      status: Object.keys(errors).length > 0 ? 400 : 200,
      main: subscriptionForm(request, {
        action: '/admin/webhooks',
        submit: request.t('webhooks.create'),
        types: eventTypes(ctx),
        values,
        errors,
      }),
    });

  app.get('/admin/webhooks', { schema: { hide: true } }, async (request, reply) => {
    const subscriptions = await listSubscriptions(ctx, request.viewer, request.organisation);
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: request.t('webhooks.title'),
      noIndex: true,
      main: listView(request, subscriptions),
    });
  });

  app.get('/admin/webhooks/new', { schema: { hide: true } }, async (request, reply) => {
    await listSubscriptions(ctx, request.viewer, request.organisation); // the policy
    return renderNew(request, reply, { url: '', description: '', events: [] }, {});
  });

  app.post('/admin/webhooks', { schema: { hide: true } }, async (request, reply) => {
    const { values, errors } = readSubscription(request.body);
    if (Object.keys(errors).length > 0) {
      await listSubscriptions(ctx, request.viewer, request.organisation); // the policy before showing anything
      return renderNew(request, reply, values, errors);
    }
    const outcome = await createSubscription(ctx, request.viewer, request.organisation, values);
    if (!outcome.ok) return renderNew(request, reply, values, problems(outcome));
    setNotice(reply, 'webhooks.created');
    return reply.redirect(`/admin/webhooks/${outcome.id}`, 303);
  });

  const renderDetail = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    form?: { values: FormValues; errors: FormErrors },
  ) => {
    const detail = await subscriptionDetail(ctx, request.viewer, request.organisation, id);
    const s = detail.subscription;
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: request.t('webhooks.subscription', { id: s.id }),
      noIndex: true,
      status: form && Object.keys(form.errors).length > 0 ? 400 : 200,
      main: detailView(request, detail, {
        types: eventTypes(ctx),
        values: form?.values ?? { url: s.url, description: s.description, events: s.eventTypes },
        errors: form?.errors ?? {},
      }),
    });
  };

  app.get('/admin/webhooks/:id', { schema: { hide: true } }, async (request, reply) =>
    renderDetail(request, reply, requireId(param(request, 'id'), NOT_FOUND)),
  );

  app.post('/admin/webhooks/:id', { schema: { hide: true } }, async (request, reply) => {
    const id = requireId(param(request, 'id'), NOT_FOUND);
    const form = readSubscription(request.body);
    if (Object.keys(form.errors).length > 0) return renderDetail(request, reply, id, form);
    const outcome = await updateSubscription(ctx, request.viewer, request.organisation, id, form.values);
    if (!outcome.ok) return renderDetail(request, reply, id, { values: form.values, errors: problems(outcome) });
    setNotice(reply, 'webhooks.saved');
    return reply.redirect(`/admin/webhooks/${id}`, 303);
  });

  const action = (
    path: string,
    run: (request: FastifyRequest, id: number) => Promise<void>,
    notice: 'webhooks.rotated' | 'webhooks.paused' | 'webhooks.resumed' | 'webhooks.deleted',
  ) =>
    app.post(`/admin/webhooks/:id/${path}`, { schema: { hide: true } }, async (request, reply) => {
      const id = requireId(param(request, 'id'), NOT_FOUND);
      await run(request, id);
      setNotice(reply, notice);
      return reply.redirect(path === 'delete' ? '/admin/webhooks' : `/admin/webhooks/${id}`, 303);
    });
  action('rotate', (r, id) => rotateSecret(ctx, r.viewer, r.organisation, id), 'webhooks.rotated');
  action('pause', (r, id) => pauseSubscription(ctx, r.viewer, r.organisation, id), 'webhooks.paused');
  action('resume', (r, id) => resumeSubscription(ctx, r.viewer, r.organisation, id), 'webhooks.resumed');
  action('delete', (r, id) => removeSubscription(ctx, r.viewer, r.organisation, id), 'webhooks.deleted');

  app.get('/admin/webhooks/:id/deliveries/:deliveryId', { schema: { hide: true } }, async (request, reply) => {
    const id = requireId(param(request, 'id'), NOT_FOUND);
    const detail = await deliveryDetail(
      ctx,
      request.viewer,
      request.organisation,
      id,
      deliveryId(param(request, 'deliveryId')),
    );
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: request.t('webhooks.delivery', { id: detail.delivery.messageId }),
      noIndex: true,
      main: deliveryView(request, id, detail),
    });
  });

  app.post(
    '/admin/webhooks/:id/deliveries/:deliveryId/redeliver',
    { schema: { hide: true } },
    async (request, reply) => {
      const id = requireId(param(request, 'id'), NOT_FOUND);
      await redeliver(ctx, request.viewer, request.organisation, id, deliveryId(param(request, 'deliveryId')));
      setNotice(reply, 'webhooks.redelivering');
      return reply.redirect(`/admin/webhooks/${id}`, 303);
    },
  );
}

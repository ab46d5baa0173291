import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { calendar } from '../exports.ts';
import { upcomingEvents } from '../guide.use-cases.ts';
import { cityUrl, plain } from './shared.ts';

/** The guide's events (at places, along tours) as an iCalendar feed (RFC 5545). */
export function registerEventPages(app: App, ctx: AppContext): void {
  app.get('/guide/events.ics', { schema: { hide: true } }, async (request, reply) => {
    const { events, places, tours } = await upcomingEvents(ctx, request.viewer, request.organisation);
    const host = new URL(cityUrl(request, '/')).host;
    const body = calendar(
      request.t('guide.events.feed'),
      events.map((event) => {
        const place = places.find((entry) => entry.id === event.place_id);
        const tour = tours.find((entry) => entry.id === event.tour_id);
        return {
          uid: `guide-event-${event.id}@${host}`,
          title: plain(request, event.title),
          start: new Date(event.starts_at),
          end: new Date(event.ends_at),
          created: new Date(event.created_at),
          url: cityUrl(request, place ? `/guide/places/${place.id}` : `/guide/tours/${tour?.id ?? ''}`),
          location: place ? plain(request, place.name) : tour ? plain(request, tour.title) : undefined,
          geo: place ? { lat: place.lat, lng: place.lng } : undefined,
        };
      }),
      new Date(),
    );
    return reply.type('text/calendar; charset=utf-8').header('cache-control', 'public, max-age=300').send(body);
  });
}

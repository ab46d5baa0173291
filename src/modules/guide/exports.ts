// The guide's machine-readable exports: GeoJSON (RFC 7946), GPX 1.1, and iCalendar (RFC 5545, the platform's writer). No HTML, no
// interface strings: names come in the visitor's language from the caller.

import { escapeXml } from '../../platform/web/xml.ts';

export interface ExportPlace {
  id: number;
  code: string;
  name: string;
  lat: number;
  lng: number;
  url: string;
  categories?: readonly string[];
  openingHours?: string | null;
  osm?: string | null;
}

/** RFC 7946 coordinates: longitude first, at most 7 decimals (about a centimetre). */
const position = (lng: number, lat: number) => [Number(lng.toFixed(7)), Number(lat.toFixed(7))];

export function placeFeature(place: ExportPlace) {
  return {
    type: 'Feature' as const,
    id: place.id,
    geometry: { type: 'Point' as const, coordinates: position(place.lng, place.lat) },
    properties: {
      code: place.code,
      name: place.name,
      url: place.url,
      categories: place.categories ?? [],
      opening_hours: place.openingHours ?? null,
      osm: place.osm ?? null,
    },
  };
}

export function placesCollection(places: readonly ExportPlace[]) {
  return { type: 'FeatureCollection' as const, features: places.map(placeFeature) };
}

/** A tour as GeoJSON: the line through its stops first, then each stop as a point with its position. */
export function tourCollection(tour: { id: number; title: string; url: string }, stops: readonly ExportPlace[]) {
  return {
    type: 'FeatureCollection' as const,
    features: [
      {
        type: 'Feature' as const,
        id: `tour-${tour.id}`,
        geometry: { type: 'LineString' as const, coordinates: stops.map((stop) => position(stop.lng, stop.lat)) },
        properties: { title: tour.title, url: tour.url },
      },
      ...stops.map((stop, index) => {
        const feature = placeFeature(stop);
        return { ...feature, properties: { ...feature.properties, position: index + 1 } };
      }),
    ],
  };
}

/**
 * A tour as GPX 1.1: each stop a waypoint, and the route through them in order. Elements in the order
 * the GPX 1.1 schema requires (metadata, wpt, rte; inside wpt: name, desc, link).
 */
export function tourGpx(
  tour: { title: string; description: string; url: string; creator: string; time: Date },
  stops: readonly ExportPlace[],
): string {
  const link = (href: string, text: string) => `<link href="${escapeXml(href)}"><text>${escapeXml(text)}</text></link>`;
  const point = (tag: 'wpt' | 'rtept', stop: ExportPlace, index: number) =>
    `<${tag} lat="${stop.lat.toFixed(7)}" lon="${stop.lng.toFixed(7)}"><name>${escapeXml(`${index + 1}. ${stop.name}`)}</name>` +
    `${link(stop.url, stop.code)}</${tag}>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1" creator="${escapeXml(tour.creator)}">`,
    `<metadata><name>${escapeXml(tour.title)}</name><desc>${escapeXml(tour.description)}</desc>` +
      `${link(tour.url, tour.title)}<time>${tour.time.toISOString()}</time></metadata>`,
    ...stops.map((stop, index) => point('wpt', stop, index)),
    `<rte><name>${escapeXml(tour.title)}</name>${link(tour.url, tour.title)}`,
    ...stops.map((stop, index) => point('rtept', stop, index)),
    '</rte>',
    '</gpx>',
    '',
  ].join('\n');
}

export { calendar, foldLine, type CalendarEvent } from '../../platform/web/icalendar.ts';

import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Organisation } from '../organisations/organisations.ts';
import { leafletUrls } from './assets.ts';
import { html, jsonForScript, type Html } from './html.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The installation's street map settings (MAP_TILE_URL, MAP_TILE_ATTRIBUTION, MAP_MAX_ZOOM), a city's default. */
    mapSettings: Config['map'];
  }
}

/** What a page's script needs to draw the street map: tiles, credit, zoom, and the words of its controls. */
export interface StreetMap {
  /** Leaflet's script, to put before the page's own map script. */
  scripts: string[];
  /** Leaflet's stylesheet and the settings as a JSON block (`#street-map-settings`), for the page's main content. */
  markup: Html;
}

/**
 * The street map settings of the city a request is for: its own tiles (set on the installation's page), else the
 * installation's (MAP_TILE_URL…).
 */
export function cityMapSettings(installation: Config['map'], city: Pick<Organisation, 'tiles'> | null): Config['map'] {
  return city?.tiles ?? installation;
}

/**
 * The street map over the city's tiles, when it has some (its own, or MAP_TILE_URL): Leaflet and the settings a page script reads
 * to replace the server-drawn map (which stays for readers without JavaScript, and when there are no tiles:
 * then this answers undefined). `labels` are the page's words for the map and its controls.
 */
export function streetMap(request: FastifyRequest, labels: Record<string, string>): StreetMap | undefined {
  const settings = cityMapSettings(request.server.mapSettings, request.organisation);
  if (!settings.tileUrl) return undefined;
  const leaflet = leafletUrls();
  const data = {
    tileUrl: settings.tileUrl,
    attribution: settings.attribution,
    maxZoom: settings.maxZoom,
    labels,
  };
  return {
    scripts: [leaflet.script],
    markup: html`<link rel="stylesheet" href="${leaflet.stylesheet}">
<script type="application/json" id="street-map-settings">${jsonForScript(data)}</script>`,
  };
}

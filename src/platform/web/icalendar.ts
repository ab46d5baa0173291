/**
 * iCalendar (RFC 5545) for every module that publishes events: the guide's events, participation's meetings.
 * Times in UTC (`…Z`, so no VTIMEZONE is needed and every calendar app shows them in its own zone), text escaped
 * (§3.3.11), lines folded at 75 octets never inside a UTF-8 character (§3.1), CRLF line ends. A UID stays the same
 * for the life of an event and SEQUENCE grows with each change, so a subscribed calendar updates the event in place
 * instead of adding a second one; a cancelled event stays in the feed with STATUS:CANCELLED.
 */

/** iCalendar text: backslash, semicolon, comma and line breaks escaped, control characters dropped. */
export function icalText(text: string): string {
  return text
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, '\\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ''); // eslint-disable-line no-control-regex
}

/** Folds a content line at 75 octets, never inside a UTF-8 character (RFC 5545 §3.1). */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const character of line) {
    const size = Buffer.byteLength(character);
    if (octets + size > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += character;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** A UTC date-time: 20261207T183000Z. */
export const icalTime = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

export interface CalendarEvent {
  /** Stable for the life of the event: `meeting-12@city.example`. */
  uid: string;
  title: string;
  start: Date;
  end: Date;
  created: Date;
  /** When it last changed (LAST-MODIFIED, and DTSTAMP of a published feed). */
  modified?: Date | undefined;
  /** Grows by one with every change a calendar should show. */
  sequence?: number | undefined;
  cancelled?: boolean | undefined;
  url: string;
  description?: string | undefined;
  location?: string | undefined;
  geo?: { lat: number; lng: number } | undefined;
  /** An online meeting's address (RFC 7986 CONFERENCE). */
  conference?: string | undefined;
}

/** A calendar of events (METHOD:PUBLISH), named for the subscriber's calendar list. */
export function calendar(
  name: string,
  events: readonly CalendarEvent[],
  now: Date,
  product = 'Interactive City',
): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-//Interactive City//${icalText(product)}//EN`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `NAME:${icalText(name)}`,
    `X-WR-CALNAME:${icalText(name)}`,
  ];
  for (const event of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${event.uid}`,
      `DTSTAMP:${icalTime(event.modified ?? now)}`,
      `CREATED:${icalTime(event.created)}`,
    );
    if (event.modified) lines.push(`LAST-MODIFIED:${icalTime(event.modified)}`);
    if (event.sequence !== undefined) lines.push(`SEQUENCE:${event.sequence}`);
    lines.push(`DTSTART:${icalTime(event.start)}`, `DTEND:${icalTime(event.end)}`, `SUMMARY:${icalText(event.title)}`);
    if (event.description) lines.push(`DESCRIPTION:${icalText(event.description)}`);
    if (event.location) lines.push(`LOCATION:${icalText(event.location)}`);
    if (event.geo) lines.push(`GEO:${event.geo.lat.toFixed(6)};${event.geo.lng.toFixed(6)}`);
    if (event.conference) lines.push(`CONFERENCE;VALUE=URI;FEATURE=VIDEO:${event.conference}`);
    lines.push(`STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`, `URL:${event.url}`, 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

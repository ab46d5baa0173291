import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openingState } from '../../src/modules/guide/opening-hours.ts';

/** "Open now" and "opens at 14:00" from OpenStreetMap's opening_hours syntax, in the city's time zone. */

test('open and closed in the city’s time zone, with the next change of the same day', () => {
  const hours = 'Mo-Fr 09:00-12:30,14:00-18:00; Sa 10:00-13:00';
  // Monday 7 December 2026, 10:15 in Rome is 09:15 UTC
  assert.deepEqual(openingState(hours, new Date('2026-12-07T09:15:00Z'), 'Europe/Rome'), {
    kind: 'open',
    closesAt: '12:30',
  });
  // 13:00 in Rome: the lunch break, opens again at 14:00
  assert.deepEqual(openingState(hours, new Date('2026-12-07T12:00:00Z'), 'Europe/Rome'), {
    kind: 'closed',
    opensAt: '14:00',
    opensDay: null,
  });
  // the same instant in New York is 07:00: closed until 09:00
  assert.deepEqual(openingState(hours, new Date('2026-12-07T12:00:00Z'), 'America/New_York'), {
    kind: 'closed',
    opensAt: '09:00',
    opensDay: null,
  });
  // Saturday evening: the next opening is on Monday
  assert.deepEqual(openingState(hours, new Date('2026-12-12T18:00:00Z'), 'Europe/Rome'), {
    kind: 'closed',
    opensAt: null,
    opensDay: '2026-12-14',
  });
});

test('always open, and hours the library cannot read, are told apart', () => {
  assert.deepEqual(openingState('24/7', new Date('2026-12-07T03:00:00Z'), 'Europe/Rome'), {
    kind: 'open',
    closesAt: null,
  });
  assert.deepEqual(openingState('when the keeper is in', new Date(), 'Europe/Rome'), { kind: 'unknown' });
  assert.deepEqual(openingState(null, new Date(), 'Europe/Rome'), { kind: 'unknown' });
});

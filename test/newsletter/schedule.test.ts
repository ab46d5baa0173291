import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digestDue, lastSlot, nextSlot } from '../../src/modules/newsletter/schedule.ts';

const weekly = { frequency: 'weekly' as const, weekday: 1, hour: 8 };
const daily = { frequency: 'daily' as const, weekday: 1, hour: 18 };

test('a weekly digest falls on the day and hour of the city’s clock, across a change of clocks', () => {
  // Wednesday 2 December 2026, 10:00 in Rome (UTC+1): the last Monday 8:00 was 30 November, 07:00 UTC
  const now = new Date('2026-12-02T09:00:00Z');
  assert.equal(lastSlot(weekly, now, 'Europe/Rome').toISOString(), '2026-11-30T07:00:00.000Z');
  assert.equal(nextSlot(weekly, now, 'Europe/Rome').toISOString(), '2026-12-07T07:00:00.000Z');
  // summer time ends on Sunday 25 October 2026: Monday 19 October 8:00 is 06:00 UTC, Monday 26 October 07:00 UTC
  const october = new Date('2026-10-24T12:00:00Z');
  assert.equal(lastSlot(weekly, october, 'Europe/Rome').toISOString(), '2026-10-19T06:00:00.000Z');
  assert.equal(nextSlot(weekly, october, 'Europe/Rome').toISOString(), '2026-10-26T07:00:00.000Z');
});

test('a daily digest, and when one is due', () => {
  const now = new Date('2026-12-02T16:30:00Z'); // 17:30 in Brussels
  assert.equal(lastSlot(daily, now, 'Europe/Brussels').toISOString(), '2026-12-01T17:00:00.000Z');
  assert.equal(nextSlot(daily, now, 'Europe/Brussels').toISOString(), '2026-12-02T17:00:00.000Z');
  assert.equal(
    digestDue(daily, new Date('2026-12-01T17:00:00Z'), now, 'Europe/Brussels'),
    false,
    'sent at the last slot',
  );
  assert.equal(digestDue(daily, new Date('2026-12-01T16:59:00Z'), now, 'Europe/Brussels'), true);
  // exactly at the slot it is due
  assert.equal(
    digestDue(daily, new Date('2026-12-01T17:00:00Z'), new Date('2026-12-02T17:00:00Z'), 'Europe/Brussels'),
    true,
  );
});

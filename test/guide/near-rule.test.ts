import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextCard } from '../../src/modules/guide/near-rule.ts';

/**
 * The "near me" card rule (issue 20): hysteresis (enter within 40 m, leave beyond 70 m, a rival must be
 * 15 m nearer) and a dwell time of 8 s before any change. Positions are simulated as lists of distances.
 */

type State = ReturnType<typeof nextCard>;
const start: State = { shown: 0, pending: null, since: 0 };
const at = (...pairs: Array<[number, number]>) => pairs.map(([id, metres]) => ({ id, metres }));

/** Runs fixes every `step` ms and returns the state after each. */
function run(fixes: Array<ReturnType<typeof at>>, step = 2000) {
  let state: ReturnType<typeof nextCard> = start;
  return fixes.map((fix, index) => (state = nextCard(state, fix, index * step)));
}

describe('the near-me card rule', () => {
  test('a stop within the enter radius is shown only after the dwell time', () => {
    const states = run([at([1, 30]), at([1, 28]), at([1, 25]), at([1, 20]), at([1, 20])]);
    assert.deepEqual(
      states.map((state) => state.shown),
      [0, 0, 0, 0, 1],
    );
  });

  test('a stop beyond the enter radius is never shown', () => {
    const states = run(Array.from({ length: 10 }, () => at([1, 45])));
    assert.ok(states.every((state) => state.shown === 0));
  });

  test('a single fix away from the stop (GPS jump) does not drop the card', () => {
    let state: State = { shown: 1, pending: null, since: 0 };
    state = nextCard(state, at([1, 120]), 1000); // a jump: leaving is pending
    assert.equal(state.shown, 1);
    assert.equal(state.pending, 0);
    state = nextCard(state, at([1, 20]), 3000); // back: the change is cancelled
    assert.equal(state.shown, 1);
    assert.equal(state.pending, null);
    state = nextCard(state, at([1, 120]), 9500); // far again, but the dwell starts anew
    assert.equal(state.shown, 1);
  });

  test('between the enter and leave radii the shown card stays (hysteresis)', () => {
    let state: State = { shown: 1, pending: null, since: 0 };
    for (let t = 0; t < 60_000; t += 2000) state = nextCard(state, at([1, 60]), t);
    assert.equal(state.shown, 1);
  });

  test('beyond the leave radius for the dwell time the card is dropped', () => {
    let state: State = { shown: 1, pending: null, since: 0 };
    for (let t = 0; t <= 10_000; t += 2000) state = nextCard(state, at([1, 90]), t);
    assert.equal(state.shown, 0);
  });

  test('two stops close together: drift of a few metres does not flicker between them', () => {
    let state: State = { shown: 1, pending: null, since: 0 };
    const fixes = [at([1, 20], [2, 12]), at([1, 12], [2, 20]), at([1, 22], [2, 10]), at([1, 15], [2, 14])];
    for (let t = 0; t < 60_000; t += 1000) state = nextCard(state, fixes[(t / 1000) % fixes.length] ?? [], t);
    assert.equal(state.shown, 1, 'the rival is never 15 m nearer, so the card stays');
  });

  test('a clearly nearer stop takes over after the dwell time', () => {
    let state: State = { shown: 1, pending: null, since: 0 };
    const changes: number[] = [];
    for (let t = 0; t <= 12_000; t += 2000) {
      state = nextCard(state, at([1, 50], [2, 10]), t);
      changes.push(state.shown);
    }
    assert.deepEqual(changes, [1, 1, 1, 1, 2, 2, 2]);
  });

  test('the rule is self-contained, so the page can run its source text', async () => {
    const source = `export ${nextCard.toString()}`;
    const module = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as {
      nextCard: typeof nextCard;
    };
    assert.deepEqual(module.nextCard(start, at([3, 5]), 0), nextCard(start, at([3, 5]), 0));
  });
});

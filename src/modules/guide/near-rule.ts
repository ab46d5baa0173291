/**
 * Which stop's card the "near me" page shows, from one position fix to the next. GPS drifts by tens of
 * metres between old town walls, so the card must not flicker between two stops:
 *
 * - hysteresis: a stop is taken when it is within `enter` metres and, if a card is shown, nearer than the
 *   shown stop by more than `margin`; the shown card is dropped only beyond `leave` metres (leave > enter);
 * - dwell: a change (another stop, or no card) happens only after it has been wanted for `dwellMs`
 *   without interruption; a fix that wants the current state cancels it.
 *
 * A pure function, self-contained (no import, no outer constant): the page's script runs this very code,
 * served from its source text (pages/near.pages.ts), so the rule the tests check is the rule in the browser.
 * `shown` and `pending` are place ids; 0 is "no card"; `pending` null is "no change waiting".
 */
export function nextCard(
  state: { shown: number; pending: number | null; since: number },
  nearest: ReadonlyArray<{ id: number; metres: number }>,
  now: number,
  rule: { enter: number; leave: number; margin: number; dwellMs: number } = {
    enter: 40,
    leave: 70,
    margin: 15,
    dwellMs: 8000,
  },
): { shown: number; pending: number | null; since: number } {
  let shownMetres = Infinity;
  for (const place of nearest) if (place.id === state.shown) shownMetres = place.metres;
  let best: { id: number; metres: number } | null = null;
  for (const place of nearest) if (best === null || place.metres < best.metres) best = place;
  let wanted = state.shown;
  if (
    best !== null &&
    best.id !== state.shown &&
    best.metres <= rule.enter &&
    best.metres + rule.margin < shownMetres
  ) {
    wanted = best.id;
  } else if (state.shown !== 0 && shownMetres > rule.leave) {
    wanted = 0;
  }
  if (wanted === state.shown) return { shown: state.shown, pending: null, since: now };
  if (state.pending !== wanted) return { shown: state.shown, pending: wanted, since: now };
  if (now - state.since >= rule.dwellMs) return { shown: wanted, pending: null, since: now };
  return state;
}

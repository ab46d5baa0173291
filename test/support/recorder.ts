/**
 * What a fake of an outside service received, in the order it arrived, and a way to wait for one
 * request in particular. Tests never read "the last request": on a busy machine a request of an earlier
 * step may arrive after the one the test is about, or the one it waits for may still be on its way.
 * They wait for the request they expect (`waitFor`), counting only what arrived after a `mark()`
 * when an earlier request could match too.
 */
export class Recorder<T> {
  readonly items: T[] = [];
  readonly #waiters = new Set<{ from: number; predicate: (item: T) => boolean; resolve: (item: T) => void }>();

  /** Records what the fake received and wakes the tests waiting for it. */
  record(item: T): void {
    this.items.push(item);
    const index = this.items.length - 1;
    for (const waiter of this.#waiters)
      if (index >= waiter.from && waiter.predicate(item)) {
        this.#waiters.delete(waiter);
        waiter.resolve(item);
      }
  }

  /** A place in the record: `waitFor(…, { after })` then only counts what arrived since. */
  mark(): number {
    return this.items.length;
  }

  /** What arrived since a mark (all of it without one) that matches. */
  filter(predicate: (item: T) => boolean, after = 0): T[] {
    return this.items.slice(after).filter(predicate);
  }

  /**
   * The first request (since `after`) that matches, as soon as it has arrived; rejects after `timeoutMs`
   * naming `what` and listing what did arrive.
   */
  waitFor(
    predicate: (item: T) => boolean,
    options: { after?: number; timeoutMs?: number; what?: string } = {},
  ): Promise<T> {
    const from = options.after ?? 0;
    const found = this.items.slice(from).find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        from,
        predicate,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const seen = this.items
          .slice(from)
          .map((item) => JSON.stringify(item).slice(0, 300))
          .join('\n  ');
        reject(
          new Error(
            `${options.what ?? 'the expected request'} did not arrive within ${options.timeoutMs ?? 10_000} ms; arrived:\n  ${seen || '(nothing)'}`,
          ),
        );
      }, options.timeoutMs ?? 10_000);
      this.#waiters.add(waiter);
    });
  }
}

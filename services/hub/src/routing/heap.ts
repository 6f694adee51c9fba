/**
 * A binary heap whose items are also found by id, so an item can be removed or re-ranked in
 * O(log n) when its row changes. `before(a, b)` is true when `a` belongs nearer the top.
 */
export class IndexedHeap<T> {
  readonly #items: T[] = [];
  readonly #positions = new Map<string, number>();

  constructor(
    private readonly idOf: (item: T) => string,
    private readonly before: (a: T, b: T) => boolean,
  ) {}

  get size(): number {
    return this.#items.length;
  }

  has(id: string): boolean {
    return this.#positions.has(id);
  }

  get(id: string): T | undefined {
    const at = this.#positions.get(id);
    return at === undefined ? undefined : this.#items[at];
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  /** Adds the item, or replaces the one with its id and moves it to its new place. */
  upsert(item: T): void {
    const id = this.idOf(item);
    const at = this.#positions.get(id);
    if (at === undefined) {
      this.#items.push(item);
      this.#positions.set(id, this.#items.length - 1);
      this.#up(this.#items.length - 1);
      return;
    }
    this.#items[at] = item;
    this.#down(this.#up(at));
  }

  remove(id: string): T | undefined {
    const at = this.#positions.get(id);
    if (at === undefined) return undefined;
    const removed = this.#items[at]!;
    const last = this.#items.pop()!;
    this.#positions.delete(id);
    if (at < this.#items.length) {
      this.#items[at] = last;
      this.#positions.set(this.idOf(last), at);
      this.#down(this.#up(at));
    }
    return removed;
  }

  /**
   * Items from the top down, lazily: each step costs O(log k) for the k items seen so far, so
   * looking at the first few of a large heap stays cheap. The heap must not change meanwhile.
   */
  *ordered(): Generator<T> {
    if (this.#items.length === 0) return;
    const frontier: number[] = [0];
    const better = (a: number, b: number) => this.before(this.#items[a]!, this.#items[b]!);
    while (frontier.length > 0) {
      const top = frontier[0]!;
      const last = frontier.pop()!;
      if (frontier.length > 0) {
        frontier[0] = last;
        siftDown(frontier, 0, better);
      }
      yield this.#items[top]!;
      for (const child of [2 * top + 1, 2 * top + 2]) {
        if (child < this.#items.length) {
          frontier.push(child);
          siftUp(frontier, frontier.length - 1, better);
        }
      }
    }
  }

  values(): readonly T[] {
    return this.#items;
  }

  #swap(i: number, j: number): void {
    const a = this.#items[i]!;
    const b = this.#items[j]!;
    this.#items[i] = b;
    this.#items[j] = a;
    this.#positions.set(this.idOf(b), i);
    this.#positions.set(this.idOf(a), j);
  }

  #up(at: number): number {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(this.#items[at]!, this.#items[parent]!)) break;
      this.#swap(at, parent);
      at = parent;
    }
    return at;
  }

  #down(at: number): number {
    const n = this.#items.length;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let best = at;
      if (left < n && this.before(this.#items[left]!, this.#items[best]!)) best = left;
      if (right < n && this.before(this.#items[right]!, this.#items[best]!)) best = right;
      if (best === at) return at;
      this.#swap(at, best);
      at = best;
    }
  }
}

function siftUp(heap: number[], at: number, better: (a: number, b: number) => boolean): void {
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!better(heap[at]!, heap[parent]!)) return;
    [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
    at = parent;
  }
}

function siftDown(heap: number[], at: number, better: (a: number, b: number) => boolean): void {
  const n = heap.length;
  for (;;) {
    const left = 2 * at + 1;
    const right = left + 1;
    let best = at;
    if (left < n && better(heap[left]!, heap[best]!)) best = left;
    if (right < n && better(heap[right]!, heap[best]!)) best = right;
    if (best === at) return;
    [heap[at], heap[best]] = [heap[best]!, heap[at]!];
    at = best;
  }
}

// Undo and redo for the builder: the flow configs before each edit (the last 100), and the ones
// undone since, until the next edit.
export class UndoHistory<T> {
  private past: T[] = [];
  private future: T[] = [];
  private readonly limit: number;

  constructor(limit = 100) {
    this.limit = limit;
  }

  /** An edit replaced `prev`: it can be undone, and what was undone before can no longer be redone. */
  record(prev: T): void {
    this.past = [...this.past.slice(-(this.limit - 1)), prev];
    this.future = [];
  }

  /** The config before the last edit (undefined: nothing to undo); `current` can be redone. */
  undo(current: T): T | undefined {
    const prev = this.past.pop();
    if (prev !== undefined) this.future.push(current);
    return prev;
  }

  /** The config the last undo left (undefined: nothing to redo); `current` can be undone again. */
  redo(current: T): T | undefined {
    const next = this.future.pop();
    if (next !== undefined) this.past.push(current);
    return next;
  }
}

/** The queue between the listing and the engine's workers. */

/** A queue with a capacity: `push` waits while it is full, `pop` waits while it is empty. */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly poppers: Array<(item: T | undefined) => void> = [];
  private readonly pushers: Array<() => void> = [];
  private closed = false;

  public constructor(private readonly capacity: number) {}

  /** Adds an item; false when the queue is closed and the item was not taken. */
  public async push(item: T): Promise<boolean> {
    const popper = this.poppers.shift();
    if (popper) {
      popper(item);
      return true;
    }
    while (this.items.length >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => this.pushers.push(resolve));
    }
    if (this.closed) {
      return false;
    }
    this.items.push(item);
    return true;
  }

  public async pop(): Promise<T | undefined> {
    if (this.items.length > 0) {
      const item = this.items.shift();
      this.pushers.shift()?.();
      return item;
    }
    if (this.closed) {
      return undefined;
    }
    return new Promise((resolve) => this.poppers.push(resolve));
  }

  /** No more items: waiting consumers get `undefined`, waiting producers return. */
  public close(): void {
    this.closed = true;
    this.poppers.splice(0).forEach((popper) => popper(undefined));
    this.pushers.splice(0).forEach((pusher) => pusher());
  }

  /** Drops what is queued and stops accepting more (a deadline passed). */
  public drain(): void {
    this.items.length = 0;
    this.close();
  }
}

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: while one batch is being written, what arrives queues for the next, so under
 * load many writes share one round trip, and alone a write goes out at once. `fits` says whether
 * another item still fits a batch (a DynamoDB transaction holds at most 100 items).
 */
export class GroupCommit<T> {
  private readonly queue: Waiting<T>[] = [];
  private writing = false;

  constructor(
    private readonly writeBatch: (items: T[]) => Promise<void>,
    private readonly fits: (batch: readonly T[], next: T) => boolean,
  ) {}

  /** Resolves once the item's batch is written. */
  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch: Waiting<T>[] = [];
      while (this.queue.length > 0 && (batch.length === 0 || this.fits(batch.map((waiting) => waiting.item), (this.queue[0] as Waiting<T>).item))) {
        batch.push(this.queue.shift() as Waiting<T>);
      }
      try {
        await this.writeBatch(batch.map((waiting) => waiting.item));
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.writing = false;
  }
}

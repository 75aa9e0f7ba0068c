interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: while one batch is being written, what arrives queues for the next, so under
 * load many writes share one round trip, and alone a write goes out at once. `writeBatch`
 * answers for each item: undefined when it was written, else why not.
 */
export class GroupCommit<T> {
  private readonly queue: Waiting<T>[] = [];
  private writing = false;

  constructor(private readonly writeBatch: (items: T[]) => Promise<unknown[]>) {}

  /** Resolves once the item's batch is written. */
  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.writing) return;
      this.writing = true;
      // Started after the current task, so that what is submitted together is written together.
      queueMicrotask(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      const failures = await this.writeBatch(batch.map((waiting) => waiting.item)).catch((error: unknown) => batch.map(() => error));
      for (const [index, waiting] of batch.entries()) {
        const failure = failures[index];
        if (failure === undefined) waiting.resolve();
        else waiting.reject(failure);
      }
    }
    this.writing = false;
  }
}

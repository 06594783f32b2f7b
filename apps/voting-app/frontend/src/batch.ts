/**
 * Gathers the store operations of one event-loop turn into one round trip: each operation's write (if
 * any) in arrival order, then a single read that answers them all. The read is issued after every
 * operation in the batch arrived, so no answer is older than its request and each includes its own write.
 */
export type Write = () => Promise<unknown>;

interface Waiting<T> {
  readonly write: Write | undefined;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Returns `run(write?)`, which queues `write` for this turn's round trip and resolves with the read after it. */
export function createBatcher<T>(read: () => Promise<T>): (write?: Write) => Promise<T> {
  let batch: Waiting<T>[] | undefined;

  const flush = (): void => {
    const waiting = batch ?? [];
    batch = undefined;
    try {
      // Issued together, these go out in one write on the one Redis connection, in this order.
      const writes = waiting.map((entry) => entry.write?.());
      const after = read();
      waiting.forEach((entry, i) => {
        const write = writes[i];
        const answer = write === undefined ? after : Promise.all([write, after]).then(([, value]) => value);
        answer.then(entry.resolve, entry.reject);
      });
    } catch (error) {
      for (const entry of waiting) entry.reject(error);
    }
  };

  return (write) =>
    new Promise<T>((resolve, reject) => {
      if (batch === undefined) {
        batch = [];
        // Runs after this turn's I/O callbacks, so every request that arrived with this one joins it.
        setImmediate(flush);
      }
      batch.push({ write, resolve, reject });
    });
}

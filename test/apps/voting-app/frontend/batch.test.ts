/** Sharing one Redis read among the requests of one event-loop turn must never serve a stale count. */
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createBatcher } from "../../../../apps/voting-app/frontend/src/batch.js";

/** A stand-in for Redis: one counter, with a log of the commands in the order they were issued. */
function fakeStore() {
  let count = 0;
  const log: string[] = [];
  return {
    log,
    read: async () => {
      log.push("read");
      return count;
    },
    increment: () => async () => {
      log.push("incr");
      count += 1;
      return count;
    },
  };
}

describe("createBatcher", () => {
  it("answers every operation of one turn with one read issued after all their writes", async () => {
    const store = fakeStore();
    const run = createBatcher(store.read);
    const answers = await Promise.all([run(), run(store.increment()), run(store.increment()), run()]);
    expect(store.log).toEqual(["incr", "incr", "read"]);
    expect(answers).toEqual([2, 2, 2, 2]);
  });

  it("reads again for operations that arrive after the read was issued", async () => {
    const store = fakeStore();
    const run = createBatcher(store.read);
    const first = run(store.increment());
    await nextTurn();
    const second = run(store.increment());
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(store.log).toEqual(["incr", "read", "incr", "read"]);
  });

  it("fails only the operation whose write failed", async () => {
    const store = fakeStore();
    const run = createBatcher(store.read);
    const failing = run(() => Promise.reject(new Error("WRONGTYPE")));
    const fine = run(store.increment());
    await expect(failing).rejects.toThrow("WRONGTYPE");
    expect(await fine).toBe(1);
  });

  it("fails every operation of the turn when the read fails", async () => {
    const run = createBatcher(() => Promise.reject(new Error("connection lost")));
    const results = await Promise.allSettled([run(), run(async () => 1)]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
  });
});

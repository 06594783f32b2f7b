import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { foregroundOfStat } from "../../src/fleet/terminal.js";

describe("whether a Ctrl-C reaches the fleet's process group", () => {
  it("reads the terminal's foreground group from /proc/<pid>/stat", () => {
    // pid (comm) state ppid pgrp session tty_nr tpgid …
    expect(foregroundOfStat("4242 (node) S 4200 4200 4100 34816 4200 4194304 125 0")).toBe(true);
    // A background job: the terminal's foreground group is another one.
    expect(foregroundOfStat("4242 (node) S 4200 4200 4100 34816 4300 4194304 125 0")).toBe(false);
    // No controlling terminal, as in CI or a container: a SIGINT came to this process alone.
    expect(foregroundOfStat("4242 (node) S 4200 4200 4200 0 -1 4194304 125 0")).toBe(false);
    // A command name may hold spaces and parentheses.
    expect(foregroundOfStat("4242 (a) b (c) S 4200 4200 4100 34816 4200 4194304")).toBe(true);
    expect(foregroundOfStat("not a stat line")).toBeUndefined();
  });

  it.runIf(existsSync("/proc/self/stat"))("understands this machine's own stat line", () => {
    expect(typeof foregroundOfStat(readFileSync("/proc/self/stat", "utf8"))).toBe("boolean");
  });
});

/** Runs the front end's real entry point (main.ts, through tsx) as a child process, as `npm run app` does. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../support/free-port.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
export const mainModule = "apps/voting-app/frontend/src/main.ts";

export interface FrontEndProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** JSON log lines written to stdout so far. */
  readonly logs: Record<string, unknown>[];
  /** Non-JSON output (stderr, stray text), for failure messages. */
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line that matches; rejects if the process exits first or after 15 s. */
  waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

const running = new Set<FrontEndProcess>();

/**
 * Stops every front end a test left running (SIGTERM, then SIGKILL after 5 s), so a failed assertion
 * does not leak servers. Call it from afterEach.
 */
export async function stopFrontEnds(): Promise<void> {
  await Promise.all(
    [...running].map(async (frontEnd) => {
      frontEnd.child.kill("SIGTERM");
      const timer = setTimeout(() => frontEnd.child.kill("SIGKILL"), 5_000);
      await frontEnd.exited;
      clearTimeout(timer);
    }),
  );
}

export async function spawnFrontEnd(env: Record<string, string>): Promise<FrontEndProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", mainModule], {
    cwd: repoRoot,
    env: { PATH: process.env["PATH"], PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  let other = "";
  let pending = "";
  const waiters = new Set<() => void>();
  child.stdout.on("data", (data: Buffer) => {
    pending += data.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        other += `${line}\n`;
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr.on("data", (data: Buffer) => {
    other += data.toString();
  });
  const exited = once(child, "exit").then(([code, signal]) => {
    for (const wake of waiters) wake();
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const waitForLog = (match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no matching log line within 15 s:\n${other}`)), 15_000);
      const check = (): void => {
        const line = logs.find(match);
        if (line !== undefined) finish(undefined, line);
        else if (hasExited) finish(new Error(`front end exited before the expected log line:\n${other}`));
      };
      const finish = (error?: Error, line?: Record<string, unknown>): void => {
        clearTimeout(timer);
        waiters.delete(check);
        if (line !== undefined) resolve(line);
        else reject(error);
      };
      waiters.add(check);
      check();
    });

  const frontEnd = { child, url: `http://127.0.0.1:${port}`, logs, output: () => other, exited, waitForLog };
  running.add(frontEnd);
  void exited.then(() => running.delete(frontEnd));
  return frontEnd;
}

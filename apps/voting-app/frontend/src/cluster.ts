/**
 * The cluster primary: forks one front-end worker per core (Node serves on one core per process) and
 * shares the listening port between them. It replaces a worker that dies while serving, but stops
 * everything if a worker dies before it ever listened, since a replacement would fail the same way.
 */
import cluster, { type Worker } from "node:cluster";
import type { Config } from "./config.js";
import type { Logger } from "./log.js";

/** Spaces out replacements so a worker that crashes on every request cannot spin the CPU. */
const respawnDelayMs = 1_000;

export function runPrimary(config: Config, logger: Logger): void {
  const listening = new Set<Worker>();
  let stopping = false;
  let exitCode = 0;

  const fork = (): void => {
    cluster.fork();
  };

  const stopAll = (code: number): void => {
    exitCode = Math.max(exitCode, code);
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) {
      worker?.process.kill("SIGTERM");
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
  };

  cluster.on("listening", (worker) => {
    listening.add(worker);
    if (listening.size === config.workers) logger.info("listening", { port: config.port, workers: config.workers });
  });

  cluster.on("exit", (worker, code, signal) => {
    const wasListening = listening.delete(worker);
    if (stopping) {
      if (code !== 0) exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info("stopped");
        process.exit(exitCode);
      }
      return;
    }
    if (!wasListening) {
      logger.error("worker failed to start: stopping", { pid: worker.process.pid, code, signal });
      stopAll(1);
      return;
    }
    logger.error("worker died: replacing it", { pid: worker.process.pid, code, signal });
    setTimeout(fork, respawnDelayMs);
  });

  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stopping) logger.info("shutting down", { signal });
    stopAll(0);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  for (let i = 0; i < config.workers; i += 1) fork();
}

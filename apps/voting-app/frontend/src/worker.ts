/** Runs one front end in this process and shuts it down cleanly on SIGTERM or SIGINT. */
import type { Config } from "./config.js";
import type { Logger } from "./log.js";
import { type FrontEnd, startFrontEnd } from "./server.js";

export async function runWorker(config: Config, logger: Logger): Promise<void> {
  const started = startFrontEnd(config, logger);

  // Installed before anything is announced, so a signal that follows "listening" at once is not missed;
  // one that arrives during startup shuts down as soon as startup ends.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // A second signal (Ctrl-C twice, or the primary forwarding one) must not restart the shutdown.
    if (stopping) return;
    stopping = true;
    const shutdown = (frontEnd: FrontEnd): Promise<void> => {
      const done = frontEnd.shutdown();
      // Logged once the listener is closed, so whoever reads it can rely on new connections failing.
      logger.info("shutting down", { signal });
      return done;
    };
    started.then(shutdown).then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error("shutdown failed", { error });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  const frontEnd = await started;
  logger.info("listening", { port: frontEnd.port });
}

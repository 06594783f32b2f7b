/** Runs one front end in this process and shuts it down cleanly on SIGTERM or SIGINT. */
import type { Config } from "./config.js";
import type { Logger } from "./log.js";
import { startFrontEnd } from "./server.js";

export async function runWorker(config: Config, logger: Logger): Promise<void> {
  const frontEnd = await startFrontEnd(config, logger);
  logger.info("listening", { port: frontEnd.port });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // A second signal (Ctrl-C twice, or the primary forwarding one) must not restart the shutdown.
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    frontEnd.shutdown().then(
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
}

/**
 * Entry point. Reads the configuration (exiting with a clear message when it is wrong), then either serves
 * from this process (WEB_CONCURRENCY=1) or becomes the cluster primary, and in workers serves.
 */
import cluster from "node:cluster";
import { ConfigError, parseConfig } from "./config.js";
import { runPrimary } from "./cluster.js";
import { createLogger } from "./log.js";
import { runWorker } from "./worker.js";

function loadConfig(): ReturnType<typeof parseConfig> {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    createLogger("info").error("invalid configuration", { problems: error.problems });
    process.exit(78); // EX_CONFIG: a restart will not help
  }
}

const config = loadConfig();
const logger = createLogger(config.logLevel, cluster.isWorker ? { pid: process.pid } : {});

if (cluster.isPrimary && config.workers > 1) {
  runPrimary(config, logger);
} else {
  runWorker(config, logger).catch((error: unknown) => {
    logger.error("could not start", { error });
    process.exit(1);
  });
}

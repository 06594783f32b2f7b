/** One front-end process: the HTTP server, its Redis store, and a graceful shutdown of both. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { once } from "node:events";
import { type Config, resetValue } from "./config.js";
import { createHandler } from "./handler.js";
import type { Logger } from "./log.js";
import { createPages } from "./page.js";
import { createVoteStore } from "./vote-store.js";

export interface FrontEnd {
  /** The port actually bound (differs from the configured one when that is 0). */
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), then closes Redis. */
  shutdown(): Promise<void>;
}

export async function startFrontEnd(config: Config, logger: Logger): Promise<FrontEnd> {
  const store = createVoteStore({
    redis: config.redis,
    choices: config.choices,
    commandTimeoutMs: config.redisTimeoutMs,
    logger,
  });
  let draining = false;
  const handler = createHandler({
    store,
    pages: createPages(config.title, config.choices, resetValue),
    choices: config.choices,
    resetValue,
    logger,
    isDraining: () => draining,
  });

  const server = createServer({ keepAlive: true }, handler);
  // Longer than the idle timeout of cloud load balancers (60 s on AWS ALB), so the balancer, not this
  // server, closes idle connections and never sends a request down one being closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  // Answering 503 to the first requests only because the connection is a few milliseconds from ready
  // would be needless; but a Redis that is down must not keep the server (and /healthz) from starting.
  await store.connected(config.redisTimeoutMs);
  server.listen(config.port);
  try {
    await once(server, "listening");
  } catch (error) {
    await store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;

  let shutdown: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive connections would hold close() open; busy ones close after their response.
    server.closeIdleConnections();
    const timer = setTimeout(() => {
      logger.warn("shutdown timeout reached: closing remaining connections");
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    await closed;
    clearTimeout(timer);
    await store.close();
  };

  return {
    port,
    shutdown: () => (shutdown ??= drain()),
  };
}

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

/**
 * How long an idle keep-alive connection stays open: longer than the idle timeout of the load balancer
 * in front (60 s on an AWS ALB, which keeps a pool of connections to its targets), so that the balancer,
 * not this server, closes an idle connection, and never sends a request down one being closed (a 502).
 * Node's default is 5 s.
 */
export const keepAliveTimeoutMs = 65_000;
/** Above the keep-alive timeout, as Node needs it, so a request arriving just before the close is read whole. */
export const headersTimeoutMs = 66_000;

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
    pages: createPages(config.title, config.choices, resetValue, config.servedBy),
    choices: config.choices,
    resetValue,
    logger,
    isDraining: () => draining,
  });

  const server = createServer({ keepAlive: true }, handler);
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.headersTimeout = headersTimeoutMs;

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

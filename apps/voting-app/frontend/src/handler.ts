/** Routes requests: the vote page (GET and POST /), probes (/healthz, /readyz), and errors for the rest. */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Logger } from "./log.js";
import { type Counts, type Pages, contentSecurityPolicy } from "./page.js";
import type { VoteStore } from "./vote-store.js";

export interface HandlerOptions {
  readonly store: VoteStore;
  readonly pages: Pages;
  readonly choices: readonly [string, string];
  readonly resetValue: string;
  readonly logger: Logger;
  /** True once shutdown began: responses then close their connection so clients move to another replica. */
  isDraining(): boolean;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A vote form is a few dozen bytes; anything much larger is not one. */
const maxBodyBytes = 1_024;

const htmlHeaders: OutgoingHttpHeaders = {
  "Content-Type": "text/html; charset=utf-8",
  // Counts change with every vote: never serve them from a cache.
  "Cache-Control": "no-store",
  "Content-Security-Policy": contentSecurityPolicy,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

const textHeaders: OutgoingHttpHeaders = {
  "Content-Type": "text/plain; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? (chunks[0]?.toString() ?? "") : Buffer.concat(chunks).toString()));
    req.on("error", reject);
  });
}

export function createHandler({ store, pages, choices, resetValue, logger, isDraining }: HandlerOptions): Handler {
  // At most one line every 10 s rather than one per failed request, which would flood the logs under load.
  let lastFailureLog = 0;
  let failuresSinceLog = 0;
  const reportStoreFailure = (error: unknown): void => {
    failuresSinceLog += 1;
    const now = Date.now();
    if (now - lastFailureLog < 10_000) return;
    logger.warn("requests failing: vote store unavailable", { error, failures: failuresSinceLog });
    lastFailureLog = now;
    failuresSinceLog = 0;
  };

  const send = (res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string): void => {
    res.writeHead(status, {
      ...headers,
      "Content-Length": Buffer.byteLength(body),
      ...(isDraining() ? { Connection: "close" } : undefined),
    });
    res.end(body);
  };

  const sendPage = async (res: ServerResponse, counts: Promise<Counts>): Promise<void> => {
    let page: string;
    try {
      page = pages.votePage(await counts);
    } catch (error) {
      reportStoreFailure(error);
      send(res, 503, { ...htmlHeaders, "Retry-After": "5" }, pages.unavailable);
      return;
    }
    send(res, 200, htmlHeaders, page);
  };

  const postVote = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: string;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        send(res, 413, { ...textHeaders, Connection: "close" }, "request body too large\n");
      } else {
        req.destroy();
      }
      return;
    }
    const vote = new URLSearchParams(body).get("vote");
    if (vote === resetValue) return sendPage(res, store.reset());
    if (vote === choices[0] || vote === choices[1]) return sendPage(res, store.vote(vote));
    send(res, 400, htmlHeaders, pages.badVote);
  };

  const readiness = async (res: ServerResponse): Promise<void> => {
    if (isDraining()) return send(res, 503, textHeaders, "shutting down\n");
    try {
      await store.ping();
    } catch {
      return send(res, 503, textHeaders, "redis unavailable\n");
    }
    send(res, 200, textHeaders, "ready\n");
  };

  const route = (req: IncomingMessage, res: ServerResponse): Promise<void> | void => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    const method = req.method ?? "GET";
    const readOnly = method === "GET" || method === "HEAD";
    switch (path) {
      case "/":
        if (readOnly) return sendPage(res, store.counts());
        if (method === "POST") return postVote(req, res);
        return send(res, 405, { ...textHeaders, Allow: "GET, HEAD, POST" }, "method not allowed\n");
      case "/healthz":
        if (readOnly) return send(res, 200, textHeaders, "ok\n");
        return send(res, 405, { ...textHeaders, Allow: "GET, HEAD" }, "method not allowed\n");
      case "/readyz":
        if (readOnly) return readiness(res);
        return send(res, 405, { ...textHeaders, Allow: "GET, HEAD" }, "method not allowed\n");
      default:
        return send(res, 404, textHeaders, "not found\n");
    }
  };

  return (req, res) => {
    if (logger.debugEnabled) {
      const started = performance.now();
      res.once("finish", () => {
        const ms = Math.round((performance.now() - started) * 100) / 100;
        logger.debug("request", { method: req.method, path: req.url, status: res.statusCode, ms });
      });
    }
    // A bug must cost one request a 500, never the process.
    Promise.resolve()
      .then(() => route(req, res))
      .catch((error: unknown) => {
        logger.error("request failed", { method: req.method, path: req.url, error });
        if (!res.headersSent) send(res, 500, textHeaders, "internal error\n");
        else res.destroy();
      });
  };
}

/** Helpers shared by the vote front end's tests: run it in-process, talk HTTP to it, read its page. */
import { Agent, request as httpRequest } from "node:http";
import { createClient } from "redis";
import { parseConfig } from "../../../../apps/voting-app/frontend/src/config.js";
import { createLogger } from "../../../../apps/voting-app/frontend/src/log.js";
import { type FrontEnd, startFrontEnd } from "../../../../apps/voting-app/frontend/src/server.js";
import type { RedisServer } from "../../../support/redis-server.js";

export interface RunningFrontEnd extends FrontEnd {
  readonly url: string;
  /** Every JSON log line written so far, parsed. */
  readonly logs: Record<string, unknown>[];
}

/** Starts the front end in this process on a free port with the given environment (REDIS is required). */
export async function runFrontEnd(env: Record<string, string>): Promise<RunningFrontEnd> {
  const config = { ...parseConfig({ WEB_CONCURRENCY: "1", ...env }), port: 0 };
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger(config.logLevel, {}, (line) => {
    logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const frontEnd = await startFrontEnd(config, logger);
  return { ...frontEnd, url: `http://127.0.0.1:${frontEnd.port}`, logs };
}

export interface Response {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface RequestOptions {
  readonly method?: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Keep-alive with a bounded pool: thousands of concurrent requests queue here, not in the listen backlog. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export function request(url: string, { method = "GET", body, headers = {} }: RequestOptions = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Posts the vote form exactly as a browser does when a button named `vote` is clicked. */
export function postVote(url: string, vote: string): Promise<Response> {
  return request(url, {
    method: "POST",
    body: new URLSearchParams({ vote }).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

export interface VotePage {
  readonly title: string | undefined;
  readonly header: string | undefined;
  readonly forms: readonly { readonly method: string | undefined; readonly action: string | undefined }[];
  readonly buttons: readonly { readonly name: string | undefined; readonly value: string | undefined; readonly label: string }[];
  readonly results: string | undefined;
  /** Which cluster served the page, behind a fleet's global entry. */
  readonly servedBy: string | undefined;
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match?.[1] === undefined ? undefined : unescapeHtml(match[1]);
}

/** Reads what a user sees on the page, with entities decoded. */
export function readPage(html: string): VotePage {
  const text = (pattern: RegExp): string | undefined => {
    const match = pattern.exec(html);
    return match?.[1] === undefined ? undefined : unescapeHtml(match[1].trim());
  };
  return {
    title: text(/<title>([^<]*)<\/title>/),
    header: text(/<div id="logo">([^<]*)<\/div>/),
    forms: [...html.matchAll(/<form\b[^>]*>/g)].map(([tag]) => ({
      method: attribute(tag, "method"),
      action: attribute(tag, "action"),
    })),
    buttons: [...html.matchAll(/(<button\b[^>]*>)([^<]*)<\/button>/g)].map(([, tag = "", label = ""]) => ({
      name: attribute(tag, "name"),
      value: attribute(tag, "value"),
      label: unescapeHtml(label.trim()),
    })),
    results: text(/<div id="results">([^<]*)<\/div>/),
    servedBy: text(/<p id="served-by"[^>]*>([^<]*)<\/p>/),
  };
}

/** A plain node-redis client, to check keys the way the sample (or an operator) would see them. */
export async function redisClientFor(server: RedisServer): Promise<ReturnType<typeof createClient>> {
  const client = createClient({
    socket: { host: "127.0.0.1", port: server.port, reconnectStrategy: false },
    password: server.password,
  });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

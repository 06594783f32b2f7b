/**
 * Configuration, read from the same environment variables as the Flask sample front end
 * (REDIS, REDIS_PWD, TITLE, VOTE1VALUE, VOTE2VALUE, SHOWHOST) plus this server's own settings
 * (PORT, WEB_CONCURRENCY, LOG_LEVEL, SHUTDOWN_TIMEOUT_MS, REDIS_TIMEOUT_MS, SERVED_BY).
 * Every problem is reported at once, so a bad deployment fails at startup with one clear message.
 */
import { availableParallelism, hostname } from "node:os";
import { type LogLevel, logLevels } from "./log.js";

export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  readonly password: string | undefined;
}

export interface Config {
  readonly redis: RedisEndpoint;
  /** Shown in the page title and header. */
  readonly title: string;
  /**
   * The cluster that serves this page, shown under the counts when one global entry fronts several
   * (each with its own Redis), so a voter can tell whose counts they see. Unset for a single cluster.
   */
  readonly servedBy: string | undefined;
  readonly choices: readonly [string, string];
  readonly port: number;
  readonly workers: number;
  readonly logLevel: LogLevel;
  /** How long a worker waits for in-flight requests on SIGTERM before cutting connections. */
  readonly shutdownTimeoutMs: number;
  /** Longest a request waits on Redis before it gets a 503 rather than hanging. */
  readonly redisTimeoutMs: number;
}

/** The sample's config_file.cfg defaults. */
export const defaults = { title: "Azure Voting App", vote1: "Cats", vote2: "Dogs" } as const;
export const defaultRedisPort = 6379;
export const defaultPort = 8080;

/** The form value the sample reserves for its Reset button. */
export const resetValue = "reset";

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigSources {
  hostname(): string;
  cpus(): number;
}

const systemSources: ConfigSources = { hostname, cpus: availableParallelism };

/** The sample treats an empty variable as unset and falls back to its config file. */
function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

function parsePortNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65_535 ? port : undefined;
}

function parseRedisAddress(text: string, problems: string[]): { host: string; port: number } {
  const bad = (): { host: string; port: number } => {
    problems.push(`REDIS must be a host, host:port or [ipv6]:port, got ${JSON.stringify(text)}`);
    return { host: "", port: defaultRedisPort };
  };
  let host = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? "";
    portText = bracketed[2];
  } else if (text.split(":").length === 2) {
    [host = "", portText] = text.split(":");
  }
  // A bare IPv6 address has several colons and no port: leave it whole.
  if (host === "" || /[\s/]/.test(host)) return bad();
  if (portText === undefined) return { host, port: defaultRedisPort };
  const port = parsePortNumber(portText);
  return port === undefined ? bad() : { host, port };
}

function parseBoolean(name: string, text: string | undefined, problems: string[]): boolean {
  if (text === undefined) return false;
  const value = text.trim().toLowerCase();
  if (["true", "1", "yes"].includes(value)) return true;
  if (["false", "0", "no", ""].includes(value)) return false;
  problems.push(`${name} must be true or false, got ${JSON.stringify(text)}`);
  return false;
}

function parseInteger(name: string, text: string, min: number, max: number, problems: string[]): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
    return min;
  }
  return value;
}

function checkChoices(vote1: string, vote2: string, problems: string[]): void {
  for (const [name, value] of [["VOTE1VALUE", vote1], ["VOTE2VALUE", vote2]] as const) {
    if (value.trim() === "") problems.push(`${name} must not be blank`);
    // The form posts `vote=reset` for the Reset button, so a choice of that name could never be counted.
    if (value.toLowerCase() === resetValue) {
      problems.push(`${name} must not be "${value}": that value is the Reset button's`);
    }
  }
  if (vote1 === vote2) {
    problems.push(`VOTE1VALUE and VOTE2VALUE must differ, both are ${JSON.stringify(vote1)}`);
  }
}

export function parseConfig(env: Env, sources: ConfigSources = systemSources): Config {
  const problems: string[] = [];

  const redisText = nonEmpty(env, "REDIS");
  let redis = { host: "", port: defaultRedisPort };
  if (redisText === undefined) {
    problems.push("REDIS is required: the Redis host name, optionally with :port");
  } else {
    redis = parseRedisAddress(redisText, problems);
  }

  const vote1 = nonEmpty(env, "VOTE1VALUE") ?? defaults.vote1;
  const vote2 = nonEmpty(env, "VOTE2VALUE") ?? defaults.vote2;
  checkChoices(vote1, vote2, problems);

  // Like the sample, SHOWHOST replaces the title with the host name, which tells replicas apart.
  const showHost = parseBoolean("SHOWHOST", env["SHOWHOST"], problems);
  const title = showHost ? sources.hostname() : (nonEmpty(env, "TITLE") ?? defaults.title);

  const portText = nonEmpty(env, "PORT");
  let port = defaultPort;
  if (portText !== undefined) {
    const parsed = parsePortNumber(portText);
    if (parsed === undefined) problems.push(`PORT must be a TCP port from 1 to 65535, got ${JSON.stringify(portText)}`);
    port = parsed ?? defaultPort;
  }

  const workersText = nonEmpty(env, "WEB_CONCURRENCY");
  const workers = workersText === undefined ? sources.cpus() : parseInteger("WEB_CONCURRENCY", workersText, 1, 256, problems);

  const levelText = (nonEmpty(env, "LOG_LEVEL") ?? "info").toLowerCase();
  const logLevel = logLevels.find((level) => level === levelText);
  if (logLevel === undefined) {
    problems.push(`LOG_LEVEL must be one of ${logLevels.join(", ")}, got ${JSON.stringify(env["LOG_LEVEL"])}`);
  }

  const shutdownText = nonEmpty(env, "SHUTDOWN_TIMEOUT_MS");
  const shutdownTimeoutMs =
    shutdownText === undefined ? 10_000 : parseInteger("SHUTDOWN_TIMEOUT_MS", shutdownText, 0, 600_000, problems);

  const redisTimeoutText = nonEmpty(env, "REDIS_TIMEOUT_MS");
  const redisTimeoutMs =
    redisTimeoutText === undefined ? 2_000 : parseInteger("REDIS_TIMEOUT_MS", redisTimeoutText, 1, 60_000, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    // The sample sends AUTH whenever REDIS_PWD is set; an empty password means none.
    redis: { ...redis, password: nonEmpty(env, "REDIS_PWD") },
    title,
    servedBy: nonEmpty(env, "SERVED_BY")?.trim() || undefined,
    choices: [vote1, vote2],
    port,
    workers,
    logLevel: logLevel ?? "info",
    shutdownTimeoutMs,
    redisTimeoutMs,
  };
}

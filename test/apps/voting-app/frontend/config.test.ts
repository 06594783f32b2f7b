/** Configuration comes from the sample's variables, with its defaults, and bad values stop the start. */
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../../apps/voting-app/frontend/src/config.js";

const sources = { hostname: () => "pod-7f9c", cpus: () => 3 };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env, sources);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseConfig", () => {
  it("uses the sample's defaults and this server's own", () => {
    expect(parseConfig({ REDIS: "azure-vote-back" }, sources)).toEqual({
      redis: { host: "azure-vote-back", port: 6379, password: undefined },
      title: "Azure Voting App",
      servedBy: undefined,
      choices: ["Cats", "Dogs"],
      port: 8080,
      workers: 3,
      logLevel: "info",
      shutdownTimeoutMs: 10_000,
      redisTimeoutMs: 2_000,
    });
  });

  it("reads every variable", () => {
    const config = parseConfig(
      {
        REDIS: "redis.example:6380",
        REDIS_PWD: "pw",
        TITLE: "Lunch",
        VOTE1VALUE: "Pizza",
        VOTE2VALUE: "Sushi",
        PORT: "3000",
        WEB_CONCURRENCY: "2",
        LOG_LEVEL: "DEBUG",
        SHUTDOWN_TIMEOUT_MS: "500",
        REDIS_TIMEOUT_MS: "300",
        SERVED_BY: "seoul (koreacentral)",
      },
      sources,
    );
    expect(config).toEqual({
      redis: { host: "redis.example", port: 6380, password: "pw" },
      title: "Lunch",
      servedBy: "seoul (koreacentral)",
      choices: ["Pizza", "Sushi"],
      port: 3000,
      workers: 2,
      logLevel: "debug",
      shutdownTimeoutMs: 500,
      redisTimeoutMs: 300,
    });
  });

  it.each([
    ["10.0.0.5", { host: "10.0.0.5", port: 6379 }],
    ["[fd00::1]:6380", { host: "fd00::1", port: 6380 }],
    ["fd00::1", { host: "fd00::1", port: 6379 }],
  ])("reads REDIS=%s", (redis, expected) => {
    expect(parseConfig({ REDIS: redis }, sources).redis).toEqual({ ...expected, password: undefined });
  });

  it("treats empty variables as unset, as the sample does", () => {
    const config = parseConfig({ REDIS: "r", TITLE: "", VOTE1VALUE: "", REDIS_PWD: "", PORT: "" }, sources);
    expect(config.title).toBe("Azure Voting App");
    expect(config.choices).toEqual(["Cats", "Dogs"]);
    expect(config.redis.password).toBeUndefined();
    expect(config.port).toBe(8080);
  });

  it("shows the host name as the title when SHOWHOST is true", () => {
    expect(parseConfig({ REDIS: "r", SHOWHOST: "true", TITLE: "T" }, sources).title).toBe("pod-7f9c");
    expect(parseConfig({ REDIS: "r", SHOWHOST: "false", TITLE: "T" }, sources).title).toBe("T");
  });

  it.each([
    [{}, "REDIS is required"],
    [{ REDIS: "r:http" }, "REDIS must be a host, host:port"],
    [{ REDIS: "r:70000" }, "REDIS must be a host, host:port"],
    [{ REDIS: "r", PORT: "http" }, "PORT must be a TCP port"],
    [{ REDIS: "r", PORT: "0" }, "PORT must be a TCP port"],
    [{ REDIS: "r", PORT: "65536" }, "PORT must be a TCP port"],
    [{ REDIS: "r", VOTE1VALUE: "Dogs" }, "VOTE1VALUE and VOTE2VALUE must differ"],
    [{ REDIS: "r", VOTE2VALUE: "reset" }, `VOTE2VALUE must not be "reset"`],
    [{ REDIS: "r", VOTE1VALUE: "Reset" }, `VOTE1VALUE must not be "Reset"`],
    [{ REDIS: "r", VOTE1VALUE: "   " }, "VOTE1VALUE must not be blank"],
    [{ REDIS: "r", SHOWHOST: "maybe" }, "SHOWHOST must be true or false"],
    [{ REDIS: "r", WEB_CONCURRENCY: "0" }, "WEB_CONCURRENCY must be a whole number"],
    [{ REDIS: "r", LOG_LEVEL: "loud" }, "LOG_LEVEL must be one of debug, info, warn, error"],
  ])("rejects %j with a clear message", (env, message) => {
    expect(problemsOf(env).join("\n")).toContain(message);
  });

  it("reports every problem at once", () => {
    expect(problemsOf({ PORT: "x", VOTE1VALUE: "reset", VOTE2VALUE: "reset" })).toHaveLength(5);
  });
});

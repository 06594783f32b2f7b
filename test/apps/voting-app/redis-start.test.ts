import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisContainerArgs } from "../../../apps/voting-app/redis.js";
import { redisPersistenceArgs } from "../../../apps/voting-app/redis-persistence.js";
import type { Capture } from "../../../src/plan/capture.js";
import { freePort } from "../../support/free-port.js";
import { assertRedisServerInstalled } from "../../support/redis-server.js";
import { at, captureApp, findResource } from "./fixtures.js";

type Json = Record<string, unknown>;

describe("the Redis container as rendered", () => {
  let capture: Capture;
  beforeAll(async () => {
    capture = await captureApp({ kind: "service" });
  });
  const redis = () => (at(findResource(capture, "kubernetes:apps/v1:StatefulSet"), "spec.template.spec.containers") as Json[])[0] as Json;

  it("starts through the image's entrypoint with the start script and the shared persistence arguments", () => {
    expect(redis().command).toBeUndefined();
    expect(redis().args).toEqual(redisContainerArgs(redisPersistenceArgs));
    expect((redis().args as string[]).slice(4)).toEqual(redisPersistenceArgs);
  });

  it("puts neither the password nor a reference Kubernetes would expand into it on a command line", () => {
    const args = redis().args as string[];
    expect(args).not.toContain("--requirepass");
    expect(args.join(" ")).not.toContain("$(");
    expect(args.filter((arg) => arg.includes("REDIS_PASSWORD"))).toEqual([args[2]]);
    expect(args[2]).toMatch(/^exec redis-server - "\$@" <<EOF\nrequirepass \$REDIS_PASSWORD\nEOF\n$/);
  });

  it("still gives redis-cli the password through REDISCLI_AUTH, for the readiness probe", () => {
    const env = Object.fromEntries((redis().env as Json[]).map((e) => [e.name, e.valueFrom]));
    const fromSecret = { secretKeyRef: { name: "redis-auth", key: "password" } };
    expect(env).toEqual({ REDIS_PASSWORD: fromSecret, REDISCLI_AUTH: fromSecret });
    expect(redis().readinessProbe).toMatchObject({ exec: { command: ["sh", "-c", "redis-cli -h 127.0.0.1 ping | grep -qx PONG"] } });
  });
});

describe("the Redis start script, run by a real shell and redis-server", () => {
  const password = "Zq7x4Lm2Vn8Rt5Yw3Hs9Kd6Pf1Gb0Cj";
  const dir = mkdtempSync(path.join(tmpdir(), "redis-start-"));
  let port: number;
  let child: ChildProcess;
  let output = "";
  const cli = (args: string[], auth?: string) =>
    spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], {
      encoding: "utf8",
      env: { ...process.env, REDISCLI_AUTH: auth },
    }).stdout.trim();

  beforeAll(async () => {
    assertRedisServerInstalled();
    port = await freePort();
    // The cluster's arguments with this test's data directory, on a free port.
    const redisArgs = redisPersistenceArgs.map((arg, i) => (redisPersistenceArgs[i - 1] === "--dir" ? dir : arg));
    redisArgs.push("--port", String(port), "--bind", "127.0.0.1", "--save", "");
    const [shell = "sh", ...rest] = redisContainerArgs(redisArgs);
    child = spawn(shell, rest, { env: { ...process.env, REDIS_PASSWORD: password }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (data: Buffer) => (output += data.toString()));
    child.stderr?.on("data", (data: Buffer) => (output += data.toString()));
    const deadline = Date.now() + 10_000;
    while (!cli(["ping"]).startsWith("NOAUTH")) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start:\n${output}`);
      await sleep(20);
    }
  });
  afterAll(() => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("requires the password from the environment, and answers the probe's redis-cli through REDISCLI_AUTH", () => {
    expect(cli(["ping"])).toMatch(/^NOAUTH/);
    expect(cli(["ping"], "wrong")).toMatch(/^NOAUTH/);
    expect(cli(["ping"], password)).toBe("PONG");
  });

  it("runs with the persistence settings of the cluster", () => {
    expect(cli(["config", "get", "appendonly"], password)).toBe("appendonly\nyes");
    expect(cli(["config", "get", "appendfsync"], password)).toBe("appendfsync\neverysec");
    expect(cli(["config", "get", "dir"], password)).toBe(`dir\n${dir}`);
  });

  it("is redis-server itself, not a shell above it, with no password on its command line", () => {
    const pid = child.pid ?? -1;
    expect(readFileSync(`/proc/${pid}/comm`, "utf8").trim()).toBe("redis-server");
    expect(readFileSync(`/proc/${pid}/cmdline`, "utf8")).not.toContain(password);
  });

  it("shuts down cleanly on SIGTERM, as Kubernetes stops it", async () => {
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(output).toMatch(/ready to exit/);
  });
});

/**
 * Throughput and latency of the vote front end: a real redis-server with the cluster's persistence
 * settings, the front end as in production (compiled with its build config, one cluster worker per CPU
 * unless WEB_CONCURRENCY says otherwise), and wrk on loopback, for page views (GET /) and votes (POST /)
 * at 16 and 64 connections.
 *
 *   npm run bench:vote                     10 s per run
 *   BENCH_SECONDS=5 npm run bench:vote     shorter runs
 *
 * Needs wrk (Debian/Ubuntu: `apt-get install wrk`) and redis-server (`npm run setup:test`).
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "redis";
import { freePort } from "../test/support/free-port.js";
import { RedisServer } from "../test/support/redis-server.js";

/** The Flask sample (gunicorn -w 4) on the same 2-core machine, measured with wrk at 16 connections. */
const sample = { get: 3_800, post: 3_100 };
const seconds = Number(process.env["BENCH_SECONDS"] ?? "10");
const connectionCounts = [16, 64];
const threads = Math.min(2, availableParallelism());

interface Result {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
}

/** wrk reports through this Lua hook: one JSON line, latencies in microseconds. */
const reportLua = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests":%d,"micros":%d,"p50":%d,"p99":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
`;
const postLua = `
wrk.method = "POST"
wrk.body = "vote=Cats"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
${reportLua}`;

const frontEndDir = "apps/voting-app/frontend";

/** Compiles the front end as its image build does, into its (git-ignored) dist folder. */
function build(): void {
  const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", `${frontEndDir}/tsconfig.build.json`], {
    stdio: "inherit",
  });
  if (tsc.status !== 0) throw new Error("the front end did not compile");
}

function requireWrk(): void {
  const probe = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined) {
    throw new Error("wrk is not installed: on Debian/Ubuntu run `sudo apt-get install wrk`");
  }
}

async function runWrk(url: string, script: string, connections: number, duration: number): Promise<Result> {
  const wrk = spawn("wrk", [`-t${threads}`, `-c${connections}`, `-d${duration}s`, "--timeout", "5s", "-s", script, url], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  wrk.stdout.on("data", (data: Buffer) => (output += data.toString()));
  const [code] = (await once(wrk, "exit")) as [number | null];
  const line = output.split("\n").find((text) => text.startsWith("BENCH "));
  if (code !== 0 || line === undefined) throw new Error(`wrk failed (exit ${code}):\n${output}`);
  const raw = JSON.parse(line.slice("BENCH ".length)) as { requests: number; micros: number; p50: number; p99: number; errors: number };
  return { requests: raw.requests, seconds: raw.micros / 1e6, p50: raw.p50 / 1_000, p99: raw.p99 / 1_000, errors: raw.errors };
}

async function waitUntilReady(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error("the front end did not become ready within 20 s");
}

async function main(): Promise<void> {
  requireWrk();
  build();
  const redis = await RedisServer.start();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const frontEnd = spawn(process.execPath, [`${frontEndDir}/dist/main.js`], {
    env: { ...process.env, REDIS: redis.address, PORT: String(port), LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const scripts = await mkdtemp(join(tmpdir(), "bench-vote-"));
  const getScript = join(scripts, "get.lua");
  const postScript = join(scripts, "post.lua");
  await writeFile(getScript, reportLua);
  await writeFile(postScript, postLua);
  const redisClient = createClient({ socket: { host: "127.0.0.1", port: redis.port } });

  try {
    await waitUntilReady(url);
    await redisClient.connect();
    console.log(`vote front end: ${process.env["WEB_CONCURRENCY"] ?? availableParallelism()} workers; wrk -t${threads}, ${seconds} s per run\n`);
    await runWrk(`${url}/`, getScript, 16, 2); // warm-up: JIT, connections, Redis

    const rows: string[][] = [];
    for (const [name, script, baseline] of [
      ["GET /", getScript, sample.get],
      ["POST / vote", postScript, sample.post],
    ] as const) {
      for (const connections of connectionCounts) {
        await redisClient.set("Cats", "0");
        const result = await runWrk(`${url}/`, script, connections, seconds);
        const perSecond = result.requests / result.seconds;
        let check = "";
        if (script === postScript) {
          // Every vote wrk saw answered is in Redis; at most one per connection was still in flight at the end.
          const counted = Number(await redisClient.get("Cats"));
          const exact = counted >= result.requests && counted <= result.requests + connections;
          check = exact ? "counts exact" : `COUNT MISMATCH: ${counted} in Redis for ${result.requests} answered`;
        }
        rows.push([
          name,
          String(connections),
          perSecond.toFixed(0),
          `${result.p50.toFixed(2)} ms`,
          `${result.p99.toFixed(2)} ms`,
          String(result.errors),
          connections === 16 ? `${(perSecond / baseline).toFixed(1)}x` : "",
          check,
        ]);
      }
    }
    printTable(["request", "connections", "req/s", "p50", "p99", "errors", "vs sample", "check"], rows);
    console.log(`\nsample (Flask, gunicorn -w 4, 16 connections): GET ${sample.get} req/s, POST ${sample.post} req/s, p99 8 ms`);
  } finally {
    await redisClient.close().catch(() => undefined);
    frontEnd.kill("SIGTERM");
    await once(frontEnd, "exit");
    await redis.dispose();
    await rm(scripts, { recursive: true, force: true });
  }
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

await main();

/**
 * A real redis-server for tests and benchmarks: a free loopback port, a fresh data directory, and the
 * Voting App's own persistence settings, so what the tests prove about durability holds in the cluster.
 * It can be killed with SIGKILL and started again on the same port and directory to test crash recovery.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { redisPersistenceArgs } from "../../apps/voting-app/redis-persistence.js";
import { freePort } from "./free-port.js";

export const missingRedisMessage =
  "redis-server is not installed (or not on PATH): run `npm run setup:test` to install the test dependencies";

export interface RedisServerOptions {
  /** Makes the server require AUTH with this password. */
  readonly password?: string;
}

/** Throws, with the command to fix it, when redis-server cannot run here. Tests must fail, not skip. */
export function assertRedisServerInstalled(): void {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) throw new Error(missingRedisMessage);
}

/** The shared persistence arguments with the data directory swapped for this server's own. */
function persistenceArgs(dir: string): string[] {
  const args = [...redisPersistenceArgs];
  const dirIndex = args.indexOf("--dir");
  if (dirIndex === -1) throw new Error("redisPersistenceArgs no longer sets --dir");
  args.splice(dirIndex, 2, "--dir", dir);
  return args;
}

/** Resolves once the server answers commands: PONG, or NOAUTH when it wants a password. -LOADING is not yet. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data) => {
      reply += data.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"));
    });
  });
}

export class RedisServer {
  #process: ChildProcess | undefined;
  #output = "";

  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly password: string | undefined,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    assertRedisServerInstalled();
    const dir = await mkdtemp(join(tmpdir(), "redis-test-"));
    const server = new RedisServer(await freePort(), dir, options.password);
    await server.restart();
    return server;
  }

  /** `127.0.0.1:port`, the form the front end's REDIS variable takes. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#process !== undefined;
  }

  /** Starts the server on the same port and data directory, replaying its append-only file. */
  async restart(): Promise<void> {
    if (this.#process !== undefined) throw new Error("redis-server is already running");
    const args = [
      "--port", String(this.port),
      "--bind", "127.0.0.1",
      "--save", "",
      "--loglevel", "warning",
      ...persistenceArgs(this.dir),
      ...(this.password === undefined ? [] : ["--requirepass", this.password]),
    ];
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    this.#output = "";
    const collect = (data: Buffer): void => {
      this.#output += data.toString();
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    this.#process = child;
    let exited = false;
    child.once("exit", () => {
      exited = true;
      if (this.#process === child) this.#process = undefined;
    });

    const deadline = Date.now() + 10_000;
    while (!(await answersPing(this.port))) {
      if (exited) throw new Error(`redis-server exited at startup:\n${this.#output}`);
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`redis-server did not answer PING within 10 s:\n${this.#output}`);
      }
      await sleep(20);
    }
  }

  /** SIGKILL: no shutdown work at all, as in a crash or an OOM kill. */
  kill(): Promise<void> {
    return this.#signal("SIGKILL");
  }

  /** SIGTERM: the clean shutdown Kubernetes asks for. */
  stop(): Promise<void> {
    return this.#signal("SIGTERM");
  }

  /** SIGSTOP: the process keeps its connections open but answers nothing, like a hung server. */
  pause(): void {
    this.#process?.kill("SIGSTOP");
  }

  /** SIGCONT after `pause`. */
  resume(): void {
    this.#process?.kill("SIGCONT");
  }

  /** Stops the server and deletes its data directory. */
  async dispose(): Promise<void> {
    this.resume();
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#process;
    if (child === undefined) return;
    const exited = once(child, "exit");
    child.kill(signal);
    await exited;
  }
}

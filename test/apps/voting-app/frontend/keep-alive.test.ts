/** Behind a load balancer: the front end must outlast the balancer's idle timeout on every connection. */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { albIdleTimeoutSeconds } from "../../../../apps/voting-app/exposure.js";
import { headersTimeoutMs, keepAliveTimeoutMs } from "../../../../apps/voting-app/frontend/src/server.js";
import { RedisServer } from "../../../support/redis-server.js";
import { captureApp } from "../fixtures.js";
import { runFrontEnd, type RunningFrontEnd } from "./support.js";

let redis: RedisServer;
let front: RunningFrontEnd;
beforeAll(async () => {
  redis = await RedisServer.start();
  front = await runFrontEnd({ REDIS: redis.address });
});
afterAll(async () => {
  await front?.shutdown();
  await redis?.dispose();
});

/** Sends one request on the socket and resolves with the status line of its answer. */
function ask(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      socket.off("error", reject);
      resolve(data.toString().split("\r\n")[0] ?? "");
    };
    socket.once("data", onData);
    socket.once("error", reject);
    socket.write("GET /healthz HTTP/1.1\r\nHost: vote\r\nConnection: keep-alive\r\n\r\n");
  });
}

describe("the front end's connection timeouts", () => {
  it("outlast the ALB's idle timeout, which the Ingress sets explicitly, with the headers timeout above them", async () => {
    expect(keepAliveTimeoutMs).toBeGreaterThan(albIdleTimeoutSeconds * 1000);
    expect(headersTimeoutMs).toBeGreaterThan(keepAliveTimeoutMs);
    const capture = await captureApp({ kind: "albIngress", fargate: true });
    const ingress = capture.resources.find((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress");
    const annotations = (ingress?.inputs.metadata as { annotations: Record<string, string> }).annotations;
    expect(annotations["alb.ingress.kubernetes.io/load-balancer-attributes"]).toBe(`idle_timeout.timeout_seconds=${albIdleTimeoutSeconds}`);
  });

  it("keep an idle connection open past Node's own 5-second default, as a balancer's pool expects", async () => {
    const socket = connect({ host: "127.0.0.1", port: front.port });
    await new Promise((resolve) => socket.once("connect", resolve));
    expect(await ask(socket)).toBe("HTTP/1.1 200 OK");
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(socket.destroyed).toBe(false);
    expect(await ask(socket)).toBe("HTTP/1.1 200 OK");
    socket.destroy();
  }, 20_000);
});

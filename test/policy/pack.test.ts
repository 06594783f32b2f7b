import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb.js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb.js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb.js";
import { AnalyzeRequest, type AnalyzeResponse, type AnalyzerInfo, AnalyzerResourceOptions } from "@pulumi/pulumi/proto/analyzer_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policyNames } from "../../policy/policies/names.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const policyDir = join(root, "policy");

/**
 * Starts the pack as `pulumi preview --policy-pack policy` does: the Node.js language host runs
 * @pulumi/pulumi's cmd/run-policy-pack with the engine's address and the pack's directory, from that
 * directory, and reads the port the pack's analyzer prints (pulumi/pulumi,
 * sdk/nodejs/cmd/pulumi-language-nodejs, RunPlugin).
 */
function startPack(): Promise<{ child: ChildProcess; port: number }> {
  const runner = createRequire(join(root, "package.json")).resolve("@pulumi/pulumi/cmd/run-policy-pack");
  const child = spawn(process.execPath, [runner, "127.0.0.1:1", policyDir], { cwd: policyDir, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const port = /^(\d+)\s*$/m.exec(out);
      if (port) resolve({ child, port: Number(port[1]) });
    });
    child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`the policy pack exited (${code}) before serving: ${err}${out}`)));
  });
}

const call = <T>(fn: (done: (error: grpc.ServiceError | null, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));

describe("the policy pack, loaded as the Pulumi CLI loads it", { timeout: 120_000 }, () => {
  let pack: ChildProcess | undefined;
  let client: AnalyzerClient;

  beforeAll(async () => {
    const started = await startPack();
    pack = started.child;
    client = new AnalyzerClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
  }, 120_000);

  afterAll(() => {
    client?.close();
    pack?.kill();
  });

  it("serves every policy of the pack, the ones the offline plan runs", async () => {
    const info = await call<AnalyzerInfo>((done) => client.getAnalyzerInfo(new Empty(), done));
    expect(info.getName()).toBe("voting-platform");
    expect(info.getPoliciesList().map((p) => p.getName()).sort()).toEqual([...policyNames].sort());
  });

  const analyze = (adminUserEnabled: boolean) => {
    const request = new AnalyzeRequest()
      .setType("azure-native:containerregistry:Registry")
      .setName("acr")
      .setUrn("urn:pulumi:dev::voting-platform::azure-native:containerregistry:Registry::acr")
      .setProperties(Struct.fromJavaScript({ adminUserEnabled, sku: { name: "Basic" } }))
      .setOptions(new AnalyzerResourceOptions());
    return call<AnalyzeResponse>((done) => client.analyze(request, done));
  };

  it("reports a bad resource sent by the engine, and passes a good one", async () => {
    const bad = await analyze(true);
    expect(bad.getDiagnosticsList().map((d) => d.getPolicyname())).toEqual(["acr-admin-disabled"]);
    expect((await analyze(false)).getDiagnosticsList()).toEqual([]);
  });
});

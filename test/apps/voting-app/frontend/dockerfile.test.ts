/** Docker cannot run in CI here, so the image's promises are checked in the Dockerfile itself. */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

const dir = new URL("../../../../apps/voting-app/frontend/", import.meta.url);
const dockerfile = await readFile(new URL("Dockerfile", dir), "utf8");
const dockerignore = await readFile(new URL(".dockerignore", dir), "utf8");
const pkg = JSON.parse(await readFile(new URL("package.json", dir), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Instructions per stage, continuation lines joined and comments dropped. */
const stages = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"))
  .reduce<string[][]>((all, line) => {
    if (/^FROM\s/i.test(line)) all.push([]);
    all.at(-1)?.push(line);
    return all;
  }, []);
const final = stages.at(-1) ?? [];

interface NodeLine {
  lts?: string;
  end: string;
}
const nodeLines = (JSON.parse(await readFile(new URL("../../../../data/node-releases.json", import.meta.url), "utf8")) as { lines: Record<string, NodeLine> }).lines;

describe("the vote-front Dockerfile", () => {
  it("builds on one release of a Node.js LTS line that has not reached its end of life", () => {
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1] ?? "";
    const match = /^node:(\d+)\.(\d+)\.(\d+)-alpine(@sha256:[0-9a-f]{64})?$/.exec(image);
    expect(match, `${image}: node:<major>.<minor>.<patch>-alpine, an exact release`).not.toBeNull();
    const line = nodeLines[`v${match?.[1] ?? ""}`];
    expect(line?.lts, `Node ${match?.[1]} is not an LTS line`).toBeDefined();
    const today = new Date().toISOString().slice(0, 10);
    expect(today < (line?.end ?? ""), `Node ${match?.[1]} reached its end of life on ${line?.end}; move to a supported LTS line`).toBe(true);
    // Every stage builds on that image: none falls back to another Node.
    expect(stages.map((stage) => stage[0])).toEqual(stages.map(() => expect.stringMatching(/^FROM \$\{NODE_IMAGE\}/)));
  });

  it("is multi-stage and compiles TypeScript in a build stage", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.slice(0, -1).flat().join("\n")).toMatch(/RUN npm run build/);
  });

  it("installs only production dependencies for the final image", () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const finalText = final.join("\n");
    expect(finalText).not.toMatch(/npm (ci|install)(?![^\n]*--omit=dev)/);
    expect(finalText).toMatch(/COPY --from=\w+ \/app\/node_modules/);
    expect(finalText).toMatch(/COPY --from=\w+ \/app\/dist/);
    expect(finalText).not.toMatch(/COPY (\.|src)\b/);
  });

  it("runs as a numeric non-root user, so runAsNonRoot can verify it", () => {
    const user = final.filter((line) => /^USER\s/i.test(line)).at(-1);
    expect(user).toMatch(/^USER \d+(:\d+)?$/);
    expect(Number(user?.split(/\s|:/)[1])).toBeGreaterThan(0);
  });

  it("exposes 8080 and starts the compiled entry point with node", () => {
    expect(final).toContain("EXPOSE 8080");
    expect(final.join("\n")).toMatch(/CMD \["node", "dist\/main\.js"\]/);
  });

  it("keeps the build context small and the redis client the only runtime dependency", () => {
    expect(dockerignore).toMatch(/^node_modules$/m);
    expect(dockerignore).toMatch(/^dist$/m);
    expect(pkg.dependencies).toEqual({ redis: "5.12.1" });
    expect(Object.keys(pkg.devDependencies)).toContain("typescript");
  });
});

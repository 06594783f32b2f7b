import module from "node:module";
import { parsePlanArgs, usage } from "./cli-options.js";

// Node 22.1 and later keep compiled code between runs; Node 20 has no such cache and skips this.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

async function main(argv: string[]): Promise<number> {
  const values = parsePlanArgs(argv);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  // The loader turns source maps on, and Node then reads and parses the map of every module the
  // program loads: half a second of a plan's start. The plan's own errors need no stack trace.
  if (!values["source-maps"]) process.setSourceMapsEnabled(false);
  const { runPlan } = await import("./plan.js");
  return runPlan(values);
}

main(process.argv.slice(2)).then(
  // Writes to a pipe are asynchronous: exit once a large report (--all --json) has been written out.
  (code) => process.stdout.write("", () => process.exit(code)),
  (err: unknown) => {
    const badArgs = err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS");
    console.error(badArgs ? `${err.message}\n\n${usage}` : err);
    process.exit(2);
  },
);

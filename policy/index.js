// The Pulumi CLI loads a Node.js policy pack by require()-ing this directory under its own ts-node and
// ignores the runtime options in PulumiPolicy.yaml, and that cannot load TypeScript written as ES
// modules. So the entry point is plain JavaScript: it registers tsx, as the program is run, and imports
// the pack. A failure to load reaches the CLI's unhandled-rejection handler, which reports it.
import { register } from "tsx/esm/api";

register();
import("./pack.ts");

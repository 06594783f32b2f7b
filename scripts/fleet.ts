import { describeFailure, main } from "../src/fleet/cli.js";

main(process.argv.slice(2)).then(
  (code) => process.stdout.write("", () => process.exit(code)),
  (err: unknown) => {
    console.error(describeFailure(err) ?? err);
    process.exit(2);
  },
);

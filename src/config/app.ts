import type { z } from "zod";
import { field } from "./fields.js";
import { defineFragment, type ConfigContext } from "./fragment.js";

const choice = /^[A-Za-z0-9][A-Za-z0-9 _-]{0,30}$/;

/** The Voting App's keys. */
export function appConfig(ctx: ConfigContext) {
  const prod = ctx.environment === "prod";
  return defineFragment(
    {
      appTitle: field.string({ default: "Azure Voting App", expected: "a non-empty title" }),
      appVote1: field.string({ default: "Cats", pattern: choice, expected: "a label of 1-31 letters, digits, spaces, - or _" }),
      appVote2: field.string({ default: "Dogs", pattern: choice, expected: "a label of 1-31 letters, digits, spaces, - or _" }),
      appFrontendReplicas: field.integer({ min: 1, max: 50, default: prod ? 3 : 2 }),
    },
    (v, report) => {
      if (v.appVote1 === v.appVote2) report("appVote2", `a label different from appVote1 (${v.appVote1})`);
      for (const key of ["appVote1", "appVote2"] as const) {
        if (v[key].toLowerCase() === "reset") report(key, "a label other than reset, which is the Reset button's value");
      }
      return {
        title: v.appTitle,
        choices: [v.appVote1, v.appVote2] as [string, string],
        frontendReplicas: v.appFrontendReplicas,
      };
    },
  );
}

export type AppSettings = z.output<ReturnType<typeof appConfig>["schema"]>;

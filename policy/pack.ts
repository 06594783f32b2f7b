import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies/index.js";

/**
 * The pack the Pulumi CLI runs: `pulumi preview --policy-pack policy`. The offline plan runs the same
 * policies over the resources it captures (src/plan/insights/policy.ts).
 */
new PolicyPack("voting-platform", { enforcementLevel: "mandatory", policies });

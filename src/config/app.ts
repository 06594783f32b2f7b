import { z } from "zod";
import { defaultRedisImage } from "../../apps/voting-app/images.js";
import { field } from "./fields.js";
import { defineFragment, type ConfigContext } from "./fragment.js";

const choice = /^[A-Za-z0-9][A-Za-z0-9 _-]{0,30}$/;
/** A namespace name: a DNS-1123 label. */
const namespaceName = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Namespaces the cluster owns: the app's Pod Security labels and NetworkPolicies must not land there. */
const reservedNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];
/** A Kubernetes quantity in binary units, from 1Mi; Redis keeps two vote counters, so Ti is plenty. */
const storageSize = /^[1-9]\d{0,5}(Mi|Gi|Ti)$/;
/** `name:tag` or `name@sha256:digest`, with an optional registry host (which may carry a port). */
const pinnedImage = /^([a-z0-9.-]+(:\d+)?\/)?[a-z0-9]+([._/-][a-z0-9]+)*(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/;
/** An Azure public IP DNS label: lowercase, starting with a letter, 3-63 characters. */
export const dnsLabelPattern = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;

export const frontendImages = ["sample", "own"] as const;
export type FrontendImage = (typeof frontendImages)[number];


/** The Voting App's keys. */
export function appConfig(ctx: ConfigContext) {
  const prod = ctx.environment === "prod";
  return defineFragment(
    {
      // Validated by the keys every stack has; read here because the front end's default depends on
      // whether the platform has a registry, which an existing cluster lacks.
      cloud: z.string().optional(),
      appTitle: field.string({ default: "Azure Voting App", expected: "a non-empty title" }),
      appVote1: field.string({ default: "Cats", pattern: choice, expected: "a label of 1-31 letters, digits, spaces, - or _" }),
      appVote2: field.string({ default: "Dogs", pattern: choice, expected: "a label of 1-31 letters, digits, spaces, - or _" }),
      appFrontend: field.optionalString(`one of ${frontendImages.join(", ")}`, /^(sample|own)$/),
      appNamespace: field.string({ default: "vote", pattern: namespaceName, expected: "a namespace name: 1-63 lowercase letters, digits or hyphens" }),
      appFrontendReplicas: field.integer({ min: 2, max: 50, default: prod ? 3 : 2 }),
      appFrontendMaxReplicas: field.integer({ min: 2, max: 100, default: prod ? 10 : 5 }),
      appRedisStorageSize: field.string({
        default: prod ? "8Gi" : "1Gi",
        pattern: storageSize,
        expected: "a size such as 1Gi, 512Mi or 1Ti",
      }),
      appRedisImage: field.string({
        default: defaultRedisImage,
        pattern: pinnedImage,
        expected: "an image pinned by tag or digest, such as redis:7.4.5-alpine",
      }),
      appDnsLabel: field.optionalString("a DNS label: 3-63 lowercase letters, digits or hyphens, starting with a letter", dnsLabelPattern),
    },
    (v, report) => {
      if (v.appVote1 === v.appVote2) report("appVote2", `a label different from appVote1 (${v.appVote1})`);
      for (const key of ["appVote1", "appVote2"] as const) {
        if (v[key].toLowerCase() === "reset") report(key, "a label other than reset, which is the Reset button's value");
      }
      if (reservedNamespaces.includes(v.appNamespace)) {
        report("appNamespace", `a namespace of the app's own, not one the cluster owns (${reservedNamespaces.join(", ")})`);
      }
      if (v.appFrontendMaxReplicas < v.appFrontendReplicas) {
        report("appFrontendMaxReplicas", `an integer from appFrontendReplicas (${v.appFrontendReplicas}) to 100`);
      }
      const hasRegistry = v.cloud !== "existing";
      const frontend = (v.appFrontend ?? (prod && hasRegistry ? "own" : "sample")) as FrontendImage;
      if (frontend === "own" && !hasRegistry) {
        report("appFrontend", "sample: own pushes the front end image to the platform's registry, and an existing cluster has none");
      }
      if (/:latest$/.test(v.appRedisImage)) report("appRedisImage", "an image pinned by version or digest, not latest");
      return {
        title: v.appTitle,
        choices: [v.appVote1, v.appVote2] as [string, string],
        frontend,
        namespace: v.appNamespace,
        frontendReplicas: v.appFrontendReplicas,
        frontendMaxReplicas: v.appFrontendMaxReplicas,
        redisStorageSize: v.appRedisStorageSize,
        redisImage: v.appRedisImage,
        dnsLabel: v.appDnsLabel,
      };
    },
  );
}

export type AppSettings = z.output<ReturnType<typeof appConfig>["schema"]>;

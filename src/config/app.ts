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

/** An ACM certificate: its region must be the ALB's, since ACM certificates do not leave their region. */
const acmCertificateArn = /^arn:aws(-cn|-us-gov)?:acm:([a-z]{2}(-gov)?-[a-z]+-\d):\d{12}:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A Key Vault certificate without a version, so that the gateway follows its renewals. */
const keyVaultCertificateUri = /^https:\/\/([A-Za-z0-9-]{3,24})\.vault\.azure\.net\/certificates\/([A-Za-z0-9-]{1,127})\/?$/;
const keyVaultId = /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w._()]+\/providers\/Microsoft\.KeyVault\/vaults\/([A-Za-z0-9-]{3,24})$/i;
/** A host name users open: lowercase DNS labels, at least two, no wildcard. */
const hostname = /^(?=.{4,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** HTTPS for the app: the certificate, where the cloud keeps it, and the host name it is for. */
export type AppHttps =
  | { cloud: "aws"; certificateArn: string; hostname: string }
  | { cloud: "azure"; certificateUri: string; certificateName: string; keyVaultId: string; keyVaultName: string; hostname: string };

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
      // Read for the certificate's region; the AWS keys are validated with the platform's.
      "aws:region": z.string().optional(),
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
      appServedBy: field.optionalString("a short name for the cluster, 1-64 characters, such as seoul (koreacentral)", /^[^\n]{1,64}$/),
      appDnsLabel: field.optionalString("a DNS label: 3-63 lowercase letters, digits or hyphens, starting with a letter", dnsLabelPattern),
      appCertificate: field.optionalString(
        "on EKS an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), on AKS a Key Vault certificate URI without a version (https://<vault>.vault.azure.net/certificates/<name>)",
      ),
      appHostname: field.optionalString("a host name such as vote.example.com, which the certificate covers", hostname),
      aksCertificateKeyVaultId: field.optionalString(
        "the resource id of the Key Vault holding appCertificate: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>",
        keyVaultId,
      ),
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
      const https = httpsOf(v, report);
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
        servedBy: v.appServedBy,
        https,
      };
    },
  );
}

interface HttpsValues {
  cloud?: string;
  "aws:region"?: string;
  appCertificate?: string;
  appHostname?: string;
  aksCertificateKeyVaultId?: string;
}

/** The app's HTTPS settings, checked against the cloud the stack runs on; undefined serves HTTP. */
function httpsOf(v: HttpsValues, report: (key: string, expected: string) => void): AppHttps | undefined {
  const certificate = v.appCertificate;
  if (certificate === undefined) {
    if (v.appHostname !== undefined) report("appHostname", "unset while appCertificate is unset: the host name is the one the certificate is for");
    if (v.aksCertificateKeyVaultId !== undefined) report("aksCertificateKeyVaultId", "unset while appCertificate is unset");
    return undefined;
  }
  if (v.appHostname === undefined) report("appHostname", "the host name users open, which the certificate covers, such as vote.example.com");
  const hostname = v.appHostname ?? "";
  if (v.cloud === "aws") {
    const arn = acmCertificateArn.exec(certificate);
    if (!arn) report("appCertificate", "an ACM certificate ARN such as arn:aws:acm:eu-west-1:210987654321:certificate/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d");
    else if (v["aws:region"] !== undefined && arn[2] !== v["aws:region"]) {
      report("appCertificate", `a certificate in the stack's region, ${v["aws:region"]} (aws:region): ACM certificates are regional, and the ALB takes only its own region's`);
    }
    return { cloud: "aws", certificateArn: certificate, hostname };
  }
  if (v.cloud === "azure") {
    const uri = keyVaultCertificateUri.exec(certificate);
    if (!uri) report("appCertificate", "a Key Vault certificate URI without a version, such as https://kv-certs.vault.azure.net/certificates/vote, so that renewals are picked up");
    const vault = v.aksCertificateKeyVaultId ? keyVaultId.exec(v.aksCertificateKeyVaultId) : null;
    if (v.aksCertificateKeyVaultId === undefined) {
      report("aksCertificateKeyVaultId", "the resource id of the Key Vault holding appCertificate, which the app's identity is granted to read");
    } else if (uri && vault && vault[1]?.toLowerCase() !== uri[1]?.toLowerCase()) {
      report("aksCertificateKeyVaultId", `the vault of appCertificate (${uri[1]}), not ${vault[1]}`);
    }
    return {
      cloud: "azure",
      certificateUri: certificate,
      certificateName: uri?.[2] ?? "",
      keyVaultId: v.aksCertificateKeyVaultId ?? "",
      keyVaultName: vault?.[1] ?? "",
      hostname,
    };
  }
  report("appCertificate", "unset on an existing cluster: HTTPS is served by the cloud's load balancer, on EKS or AKS");
  return undefined;
}

export type AppSettings = z.output<ReturnType<typeof appConfig>["schema"]>;

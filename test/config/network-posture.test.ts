import { describe, expect, it } from "vitest";
import { ConfigError, loadSettings, type Settings } from "../../src/config.js";
import { attemptStack } from "../../src/plan/capture.js";

/** The keys of the prod network posture and of HTTPS, and what each refuses, named before any resource. */
const project = "voting-platform";
const clouds = {
  azure: { cloud: "azure", "azure-native:location": "westeurope" },
  aws: { cloud: "aws", "aws:region": "eu-west-1" },
};
const prodAccess = {
  azure: { aksAuthorizedIpRanges: JSON.stringify(["20.50.1.7/32"]) },
  aws: { eksPublicAccessCidrs: JSON.stringify(["20.50.1.7/32"]), eksAdminPrincipalArns: JSON.stringify(["arn:aws:iam::210987654321:role/platform-admin"]) },
};
const vaultId = (name: string) => `/subscriptions/3f2c1a4e-5b6d-4c7e-8f90-a1b2c3d4e5f6/resourceGroups/rg-certs/providers/Microsoft.KeyVault/vaults/${name}`;
const acmArn = (region: string) => `arn:aws:acm:${region}:210987654321:certificate/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d`;

function load(cloud: "azure" | "aws", environment: "dev" | "prod", values: Record<string, string>): Settings {
  const all = { ...clouds[cloud], environment, ...(environment === "prod" ? prodAccess[cloud] : {}), ...values };
  return loadSettings({ project, stack: "test", values: Object.fromEntries(Object.entries(all).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v])) });
}

function problems(cloud: "azure" | "aws", values: Record<string, string>, environment: "dev" | "prod" = "prod"): Record<string, string> {
  try {
    load(cloud, environment, values);
  } catch (err) {
    if (err instanceof ConfigError) return Object.fromEntries(err.problems.map((p) => [p.key.replace(`${project}:`, ""), p.expected]));
    throw err;
  }
  throw new Error("expected the config to be rejected");
}

describe("appCertificate", () => {
  it("takes an ACM certificate ARN in the stack's region on EKS, with the host name it covers", () => {
    const settings = load("aws", "prod", { appCertificate: acmArn("eu-west-1"), appHostname: "vote.example.com" });
    expect(settings.app.https).toEqual({ cloud: "aws", certificateArn: acmArn("eu-west-1"), hostname: "vote.example.com" });
  });

  it("refuses, on EKS, a Key Vault URI or a certificate of another region, which the ALB cannot use", () => {
    expect(problems("aws", { appCertificate: "https://kv-certs.vault.azure.net/certificates/vote", appHostname: "vote.example.com" }).appCertificate).toMatch(/ACM certificate ARN/);
    expect(problems("aws", { appCertificate: acmArn("us-east-1"), appHostname: "vote.example.com" }).appCertificate).toMatch(/stack's region, eu-west-1.*regional/);
  });

  it("takes a versionless Key Vault certificate URI on AKS, with the vault's resource id", () => {
    const settings = load("azure", "prod", { appCertificate: "https://kv-certs.vault.azure.net/certificates/vote", appHostname: "vote.example.com", aksCertificateKeyVaultId: vaultId("kv-certs") });
    expect(settings.app.https).toMatchObject({ cloud: "azure", certificateName: "vote", keyVaultName: "kv-certs", keyVaultId: vaultId("kv-certs"), hostname: "vote.example.com" });
  });

  it("refuses, on AKS, an ARN, a URI pinned to one version, a missing vault id or another vault's", () => {
    const base = { appHostname: "vote.example.com", aksCertificateKeyVaultId: vaultId("kv-certs") };
    expect(problems("azure", { ...base, appCertificate: acmArn("eu-west-1") }).appCertificate).toMatch(/Key Vault certificate URI without a version/);
    expect(problems("azure", { ...base, appCertificate: "https://kv-certs.vault.azure.net/certificates/vote/0123456789abcdef0123456789abcdef" }).appCertificate).toMatch(/without a version/);
    expect(problems("azure", { appHostname: "vote.example.com", appCertificate: "https://kv-certs.vault.azure.net/certificates/vote" }).aksCertificateKeyVaultId).toMatch(/resource id of the Key Vault/);
    expect(problems("azure", { ...base, appCertificate: "https://kv-other.vault.azure.net/certificates/vote" }).aksCertificateKeyVaultId).toBe("the vault of appCertificate (kv-other), not kv-certs");
  });

  it("needs the host name with a certificate, and refuses it (and the vault) without one", () => {
    expect(problems("aws", { appCertificate: acmArn("eu-west-1") }).appHostname).toMatch(/host name users open/);
    expect(problems("aws", { appCertificate: acmArn("eu-west-1"), appHostname: "*.example.com" })).toHaveProperty("appHostname");
    expect(problems("aws", { appHostname: "vote.example.com" }).appHostname).toMatch(/unset while appCertificate is unset/);
    expect(problems("azure", { aksCertificateKeyVaultId: vaultId("kv-certs") }).aksCertificateKeyVaultId).toMatch(/unset while appCertificate is unset/);
  });

  it("fails a stack with a certificate of the wrong form before any resource is registered", async () => {
    const attempt = await attemptStack("prod-eks", { appCertificate: "https://kv-certs.vault.azure.net/certificates/vote", appHostname: "vote.example.com" }, { offline: true });
    expect(attempt.error).toBeInstanceOf(ConfigError);
    expect((attempt.error as Error).message).toContain('voting-platform:appCertificate = "https://kv-certs.vault.azure.net/certificates/vote": an ACM certificate ARN');
    expect(attempt.resources).toEqual([]);
  });
});

describe("AKS private data plane keys", () => {
  it("turns the posture on in prod and leaves dev as it was", () => {
    const prod = load("azure", "prod", {});
    const dev = load("azure", "dev", {});
    if (prod.platform.cloud !== "azure" || dev.platform.cloud !== "azure") throw new Error("not AKS");
    expect(prod.platform.aks.network).toMatchObject({ outbound: "natGateway", securityGroups: true, privateEndpointSubnetCidr: "10.10.17.0/24" });
    expect(prod.platform.aks.privateEndpoints).toEqual({ allowedIpRanges: ["20.50.1.7/32"] });
    expect(dev.platform.aks.network).toMatchObject({ outbound: "loadBalancer", securityGroups: false, privateEndpointSubnetCidr: undefined });
    expect(dev.platform.aks.privateEndpoints).toBeUndefined();
  });

  it("lets each part be turned off in prod", () => {
    const off = load("azure", "prod", { aksOutboundType: "loadBalancer", aksNetworkSecurityGroups: "false", aksPrivateEndpoints: "false" });
    if (off.platform.cloud !== "azure") throw new Error("not AKS");
    expect(off.platform.aks.network).toMatchObject({ outbound: "loadBalancer", securityGroups: false, privateEndpointSubnetCidr: undefined });
    expect(off.platform.aks.privateEndpoints).toBeUndefined();
  });

  it("needs the Premium registry for private endpoints, which ACR takes on Premium only", () => {
    expect(problems("azure", { aksAcrSku: "Standard" }).aksAcrSku).toMatch(/Premium while aksPrivateEndpoints is true/);
  });

  it("refuses deployer ranges Key Vault's firewall would refuse, or that open it to everyone", () => {
    expect(problems("azure", { aksDeployerIpRanges: JSON.stringify(["10.1.0.0/16"]) }).aksDeployerIpRanges).toMatch(/10\.1\.0\.0\/16 is private/);
    expect(problems("azure", { aksDeployerIpRanges: JSON.stringify(["0.0.0.0/0"]) }).aksDeployerIpRanges).toMatch(/narrower than 0\.0\.0\.0\/0/);
    expect(problems("azure", { aksDeployerIpRanges: JSON.stringify(["not-a-cidr"]) })).toHaveProperty("aksDeployerIpRanges");
  });

  it("keeps the endpoint and gateway subnets inside the VNet and apart from the others", () => {
    expect(problems("azure", { aksPrivateEndpointSubnetCidr: "10.10.1.0/24" }).aksPrivateEndpointSubnetCidr).toMatch(/overlaps neither aksNodeSubnetCidr/);
    expect(problems("azure", { aksAppGatewaySubnetCidr: "10.10.17.0/24" }).aksAppGatewaySubnetCidr).toMatch(/overlaps none of the other subnets/);
    expect(problems("azure", { aksAppGatewaySubnetCidr: "10.10.18.0/25" }).aksAppGatewaySubnetCidr).toMatch(/a \/24 or larger/);
    expect(problems("azure", { aksAppGatewaySubnetCidr: "10.20.0.0/24" }).aksAppGatewaySubnetCidr).toMatch(/inside aksVnetCidr/);
  });
});

describe("EKS private data plane keys", () => {
  it("adds VPC endpoints and Fargate logging in prod, and neither in dev", () => {
    const prod = load("aws", "prod", {});
    const dev = load("aws", "dev", {});
    if (prod.platform.cloud !== "aws" || dev.platform.cloud !== "aws") throw new Error("not EKS");
    expect(prod.platform.eks.network.vpcEndpoints).toBe(true);
    expect(prod.platform.eks.logging.fargate).toBe(true);
    expect(dev.platform.eks.network.vpcEndpoints).toBe(false);
    expect(dev.platform.eks.logging.fargate).toBe(false);
  });
});

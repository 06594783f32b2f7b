import { beforeAll, describe, expect, it } from "vitest";
import { albControllerChart, roles } from "../../../components/azure/naming.js";
import { captureStack, type Capture, type CapturedResource } from "../../../src/plan/capture.js";
import { kubernetesObjects, type KubeObject } from "../../../src/plan/manifests.js";

/** prod-aks given a Key Vault certificate: HTTPS through Application Gateway for Containers. */
const certificateVault = "/subscriptions/3f2c1a4e-5b6d-4c7e-8f90-a1b2c3d4e5f6/resourceGroups/rg-certs/providers/Microsoft.KeyVault/vaults/kv-certs";
const https = {
  appCertificate: "https://kv-certs.vault.azure.net/certificates/vote",
  appHostname: "vote.example.com",
  aksCertificateKeyVaultId: certificateVault,
};

let prod: Capture;
let objects: KubeObject[];

beforeAll(async () => {
  prod = await captureStack("prod-aks", https, { offline: true });
  objects = kubernetesObjects(prod);
});

type Inputs = Record<string, unknown>;
const all = (type: string) => prod.resources.filter((r) => r.type === type);
function one(type: string, suffix = ""): CapturedResource {
  const found = all(type).filter((r) => r.name.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} named *${suffix}, found ${found.length}`);
  return found[0] as CapturedResource;
}
const idOf = (r: CapturedResource) => r.outputs.id ?? r.id;
const kube = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
const roleOn = (role: string) => all("azure-native:authorization:RoleAssignment").filter((r) => String(r.inputs.roleDefinitionId).endsWith(`/roleDefinitions/${role}`));

describe("Application Gateway for Containers (prod-aks with appCertificate)", () => {
  it("joins a /24 subnet delegated to Microsoft.ServiceNetworking/trafficControllers, with a frontend", () => {
    const subnet = all("azure-native:network:Subnet").find((s) => s.inputs.subnetName === "snet-app-gateway") as CapturedResource;
    expect(subnet.inputs).toMatchObject({ addressPrefix: "10.10.18.0/24", delegations: [{ serviceName: "Microsoft.ServiceNetworking/trafficControllers" }] });
    expect(subnet.inputs.networkSecurityGroup).toBeUndefined();
    const gateway = one("azure-native:servicenetworking:TrafficControllerInterface");
    expect(one("azure-native:servicenetworking:AssociationsInterface").inputs).toMatchObject({
      trafficControllerName: gateway.outputs.name,
      associationType: "subnets",
      subnet: { id: idOf(subnet) },
    });
    expect(one("azure-native:servicenetworking:FrontendsInterface").inputs.trafficControllerName).toBe(gateway.outputs.name);
  });

  it("runs the ALB Controller as a workload identity federated with its own ServiceAccount", () => {
    const identity = all("azure-native:managedidentity:UserAssignedIdentity").find((i) => String(i.inputs.resourceName).endsWith("-alb-controller")) as CapturedResource;
    const federation = all("azure-native:managedidentity:FederatedIdentityCredential").find((f) => f.inputs.resourceName === identity.outputs.name);
    expect(federation?.inputs).toMatchObject({
      subject: "system:serviceaccount:azure-alb-system:alb-controller-sa",
      audiences: ["api://AzureADTokenExchange"],
      issuer: (one("azure-native:containerservice:ManagedCluster").outputs.oidcIssuerProfile as Inputs).issuerURL,
    });
    const release = all("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === albControllerChart.chart) as CapturedResource;
    expect(release.inputs).toMatchObject({
      version: albControllerChart.version,
      values: { albController: { namespace: "azure-alb-system", podIdentity: { clientID: identity.outputs.clientId } } },
    });
  });

  it("grants the controller exactly the three roles Microsoft documents, on their scopes, as a service principal", () => {
    const identity = all("azure-native:managedidentity:UserAssignedIdentity").find((i) => String(i.inputs.resourceName).endsWith("-alb-controller")) as CapturedResource;
    const principal = identity.outputs.principalId;
    const mine = all("azure-native:authorization:RoleAssignment").filter((r) => r.inputs.principalId === principal);
    const resourceGroup = one("azure-native:resources:ResourceGroup");
    const subnet = all("azure-native:network:Subnet").find((s) => s.inputs.subnetName === "snet-app-gateway") as CapturedResource;
    const cluster = one("azure-native:containerservice:ManagedCluster");
    const nodeGroupId = `${String(idOf(resourceGroup)).replace(/\/resourceGroups\/.*$/, "")}/resourceGroups/${String(cluster.outputs.nodeResourceGroup)}`;
    const grants = mine.map((r) => [String(r.inputs.roleDefinitionId).split("/").pop(), r.inputs.scope, r.inputs.principalType]);
    expect(grants).toEqual(
      expect.arrayContaining([
        [roles.appGatewayForContainersConfigurationManager, idOf(resourceGroup), "ServicePrincipal"],
        [roles.networkContributor, idOf(subnet), "ServicePrincipal"],
        [roles.reader, nodeGroupId, "ServicePrincipal"],
      ]),
    );
    expect(grants).toHaveLength(3);
  });

  it("lets the app's secrets reader, and no one else, read the certificate's vault", () => {
    const reader = all("azure-native:managedidentity:UserAssignedIdentity").find((i) => String(i.inputs.resourceName).endsWith("-secrets-reader")) as CapturedResource;
    const onVault = roleOn(roles.keyVaultSecretsUser).filter((r) => r.inputs.scope === certificateVault);
    expect(onVault.map((r) => r.inputs.principalId)).toEqual([reader.outputs.principalId]);
  });

  it("installs the controller before the Gateway and its routes, which go first on destroy", () => {
    const release = all("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === albControllerChart.chart) as CapturedResource;
    for (const kind of ["Gateway", "HTTPRoute"]) {
      for (const r of prod.resources.filter((x) => x.type.endsWith(`:${kind}`))) expect(r.dependencies).toContain(release.urn);
    }
  });
});

describe("the app over HTTPS on AKS", () => {
  it("serves the host name on 443 with the synced certificate, and 80 for the redirect only", () => {
    const gateway = kube("Gateway", "vote-front") as KubeObject & { spec: Inputs };
    const trafficController = one("azure-native:servicenetworking:TrafficControllerInterface");
    const frontend = one("azure-native:servicenetworking:FrontendsInterface");
    expect(gateway.metadata?.annotations).toMatchObject({ "alb.networking.azure.io/alb-id": idOf(trafficController), "pulumi.com/waitFor": "condition=Programmed" });
    expect(gateway.spec).toMatchObject({
      gatewayClassName: "azure-alb-external",
      addresses: [{ type: "alb.networking.azure.io/alb-frontend", value: frontend.outputs.name }],
    });
    const listeners = gateway.spec.listeners as Inputs[];
    expect(listeners.map((l) => [l.name, l.protocol, l.port, l.hostname])).toEqual([
      ["http", "HTTP", 80, "vote.example.com"],
      ["https", "HTTPS", 443, "vote.example.com"],
    ]);
    expect(listeners[1]?.tls).toEqual({ mode: "Terminate", certificateRefs: [{ kind: "Secret", group: "", name: "vote-front-tls" }] });
  });

  it("redirects HTTP with a 301 to https, and routes HTTPS to the front end's ClusterIP Service", () => {
    const redirect = kube("HTTPRoute", "vote-front-redirect") as KubeObject & { spec: Inputs };
    expect(redirect.spec).toMatchObject({
      parentRefs: [{ name: "vote-front", sectionName: "http" }],
      rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    });
    const route = kube("HTTPRoute", "vote-front") as KubeObject & { spec: Inputs };
    expect(route.spec).toMatchObject({ parentRefs: [{ name: "vote-front", sectionName: "https" }], rules: [{ backendRefs: [{ name: "vote-front", port: 80 }] }] });
    expect((kube("Service", "vote-front") as KubeObject & { spec: Inputs }).spec.type).toBe("ClusterIP");
    expect(objects.filter((o) => o.kind === "Service" && (o as { spec?: Inputs }).spec?.type === "LoadBalancer")).toEqual([]);
  });

  it("syncs the Key Vault certificate into a kubernetes.io/tls Secret through pods that mount it as the secrets reader", () => {
    const spc = kube("SecretProviderClass", "vote-front-tls") as KubeObject & { spec: Inputs };
    const reader = all("azure-native:managedidentity:UserAssignedIdentity").find((i) => String(i.inputs.resourceName).endsWith("-secrets-reader")) as CapturedResource;
    expect(spc.spec.parameters).toMatchObject({ keyvaultName: "kv-certs", clientID: reader.outputs.clientId, usePodIdentity: "false" });
    expect(String((spc.spec.parameters as Inputs).objects)).toContain("objectName: vote");
    expect(spc.spec.secretObjects).toEqual([
      expect.objectContaining({ secretName: "vote-front-tls", type: "kubernetes.io/tls", data: [{ objectName: "vote", key: "tls.key" }, { objectName: "vote", key: "tls.crt" }] }),
    ]);
    const front = kube("Deployment", "vote-front") as KubeObject & { spec: { template: { spec: Inputs } } };
    const pod = front.spec.template.spec;
    expect(pod.serviceAccountName).toBe("secrets-reader");
    expect((pod.volumes as Inputs[]).map((v) => (v.csi as Inputs).volumeAttributes)).toContainEqual({ secretProviderClass: "vote-front-tls" });
  });

  it("gives https://<appHostname> as appUrl, and the frontend's FQDN to point the host name at", () => {
    expect(prod.outputs.appUrl?.value).toBe("https://vote.example.com");
    expect(prod.outputs.appGatewayFqdn?.value).toBe(one("azure-native:servicenetworking:FrontendsInterface").outputs.fqdn);
    expect(prod.outputs.appGatewayFqdn?.value).toMatch(/\.alb\.azure\.com$/);
  });
});

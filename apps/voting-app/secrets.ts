import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { SecretStore } from "../../components/cluster-target.js";
import { objectMeta, type AppContext } from "./context.js";
import { objectLabels, type AppComponent } from "./labels.js";

/** The Kubernetes Secret that holds the Redis password, and its key. */
export const redisSecretName = "redis-auth";
export const redisSecretKey = "password";

/** Where pods mount the secret store's CSI volume; mounting it is what makes the driver sync the Secret. */
export const secretStoreMountPath = "/mnt/secrets-store";
const secretStoreVolumeName = "secrets-store";

export interface RedisAuthArgs {
  /** The namespace and provider the app's objects use. */
  readonly context: AppContext;
  /**
   * The cluster's secret store. With one, the password is the store's and reaches the cluster through
   * a SecretProviderClass; the app generates none.
   * @default - a password generated once and kept in a Kubernetes Secret
   */
  readonly secretStore?: SecretStore;
}

/** How a pod gets the password: the Secret to read, and the CSI volume to mount where a store syncs it. */
export interface RedisSecretRef {
  /** The Secret's name, as an output of whatever creates it, so that pods wait for it. */
  name: pulumi.Output<string>;
  key: string;
  /** The secret store's CSI volume; pods that read the Secret mount it, so the driver keeps it synced. */
  volume?: k8s.types.input.core.v1.Volume;
  volumeMount?: k8s.types.input.core.v1.VolumeMount;
  /** The ServiceAccount pods that mount the store run as: the store trusts its tokens alone. */
  serviceAccountName?: pulumi.Output<string>;
}

/**
 * The Redis password: generated here and stored in a Kubernetes Secret, or, on a cluster with a
 * secret store (Key Vault on AKS), taken from the store and synced into that Secret by the Secrets
 * Store CSI driver. Either way Redis and the front end read the same Secret, by the same name.
 */
export class RedisAuth extends pulumi.ComponentResource {
  /** The password itself, a Pulumi secret, for anything that cannot read the Kubernetes Secret. */
  readonly password: pulumi.Output<string>;
  readonly secret: RedisSecretRef;

  constructor(name: string, args: RedisAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:apps:RedisAuth", name, {}, opts);
    const { context, secretStore } = args;

    if (secretStore) {
      this.password = pulumi.secret(secretStore.values.redisPassword);
      this.secret = this.createSecretProviderClass(name, context, secretStore);
    } else {
      this.password = this.createPassword(name);
      this.secret = this.createSecret(name, context, this.password);
    }
    this.registerOutputs({ password: this.password, secretName: this.secret.name });
  }

  /** 32 letters and digits: no character needs quoting in Redis's arguments or in a URL. */
  private createPassword(name: string): pulumi.Output<string> {
    // The result is kept in state and never regenerated, so an update never locks the front end out.
    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
    return pulumi.secret(password.result);
  }

  private createSecret(name: string, context: AppContext, password: pulumi.Output<string>): RedisSecretRef {
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: objectMeta(context, redisSecretName, "redis"),
        type: "Opaque",
        stringData: { [redisSecretKey]: password },
      },
      { parent: this, provider: context.provider },
    );
    return { name: secret.metadata.name, key: redisSecretKey };
  }

  /**
   * A SecretProviderClass that mounts the store's object and syncs it into the `redis-auth` Secret.
   * The driver creates that Secret when the first pod mounts the volume, and deletes it with the last.
   */
  private createSecretProviderClass(name: string, context: AppContext, store: SecretStore): RedisSecretRef {
    const objectName = store.objects.redisPassword;
    // The identity the driver reads the vault with, through this account's tokens; no pod gets the token
    // itself (the driver asks the kubelet for one per mount), so none is mounted.
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-reader`,
      {
        metadata: { ...objectMeta(context, store.serviceAccount.name, "redis"), annotations: store.serviceAccount.annotations },
        automountServiceAccountToken: false,
      },
      { parent: this, provider: context.provider },
    );
    const mounted = secretStoreClass(this, `${name}-provider-class`, context, {
      component: "redis",
      provider: store.provider,
      parameters: store.parameters,
      secret: { name: redisSecretName, type: "Opaque", data: [{ objectName, key: redisSecretKey }] },
      volumeName: secretStoreVolumeName,
      mountPath: secretStoreMountPath,
    });
    return { name: mounted.secretName, key: redisSecretKey, volume: mounted.volume, volumeMount: mounted.volumeMount, serviceAccountName: account.metadata.name };
  }
}

/** A SecretProviderClass that syncs one Secret, and the CSI volume whose mount makes the driver sync it. */
export interface SecretStoreClassArgs {
  component: AppComponent;
  provider: SecretStore["provider"];
  /** Provider parameters, without `objects`, which are taken from the Secret's data. */
  parameters: pulumi.Input<Record<string, string>>;
  /** The Secret the driver syncs, named like the class, with each key from an object of the store. */
  secret: { name: string; type: string; data: { objectName: string; key: string }[] };
  volumeName: string;
  mountPath: string;
}

export function secretStoreClass(parent: pulumi.Resource, name: string, context: AppContext, args: SecretStoreClassArgs) {
  const objectNames = [...new Set(args.secret.data.map((d) => d.objectName))];
  const providerClass = new k8s.apiextensions.CustomResource(
    name,
    {
      apiVersion: "secrets-store.csi.x-k8s.io/v1",
      kind: "SecretProviderClass",
      metadata: objectMeta(context, args.secret.name, args.component),
      spec: {
        provider: args.provider,
        parameters: pulumi.output(args.parameters).apply((parameters) => ({ ...parameters, objects: secretStoreObjects(objectNames) })),
        secretObjects: [{ secretName: args.secret.name, type: args.secret.type, labels: objectLabels(context.instance, args.component), data: args.secret.data }],
      },
    },
    // The SecretProviderClass CRD comes with the platform's CSI driver add-on.
    { parent, provider: context.provider, dependsOn: context.readiness },
  );
  const className = providerClass.metadata.name;
  return {
    // Pods and Gateways name the synced Secret; taking the name through the class makes them wait for it.
    secretName: className.apply(() => args.secret.name),
    volume: {
      name: args.volumeName,
      csi: { driver: "secrets-store.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: className } },
    } satisfies k8s.types.input.core.v1.Volume,
    volumeMount: { name: args.volumeName, mountPath: args.mountPath, readOnly: true } satisfies k8s.types.input.core.v1.VolumeMount,
  };
}

/** The `objects` parameter of the Azure provider: a YAML array of the secrets to fetch, by name. */
export function secretStoreObjects(names: readonly string[]): string {
  const entries = names.map((name) => `  - |\n    objectName: ${name}\n    objectType: secret\n`);
  return `array:\n${entries.join("")}`;
}

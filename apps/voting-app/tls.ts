import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Exposure } from "../../components/cluster-target.js";
import type { AppContext } from "./context.js";
import { secretStoreClass } from "./secrets.js";

/** The `kubernetes.io/tls` Secret the Gateway's HTTPS listener serves, synced from the secret store. */
export const tlsSecretName = "vote-front-tls";
/** Where the front end mounts the certificate's volume; it reads nothing there, the mount makes the sync. */
export const tlsMountPath = "/mnt/tls-certificate";

export interface TlsCertificateArgs {
  readonly context: AppContext;
  /** The certificate as the platform's exposure describes it. */
  readonly certificate: Extract<Exposure, { kind: "gateway" }>["certificate"];
}

/**
 * The app's certificate, fetched from the platform's secret store by the Secrets Store CSI driver and
 * synced into a TLS Secret for the Gateway. A Key Vault certificate read as a secret holds the private
 * key and the chain in one PEM; the driver splits it into `tls.key` and `tls.crt`. The Secret exists
 * while a pod mounts the volume, so the front end mounts it; and each rotation the driver polls is
 * written to the Secret, which the gateway's controller picks up.
 */
export class TlsCertificate extends pulumi.ComponentResource {
  /** The Secret's name, through the class, so the Gateway waits for it. */
  readonly secretName: pulumi.Output<string>;
  readonly volume: k8s.types.input.core.v1.Volume;
  readonly volumeMount: k8s.types.input.core.v1.VolumeMount;

  constructor(name: string, args: TlsCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:apps:TlsCertificate", name, {}, opts);
    const { objectName } = args.certificate;
    const mounted = secretStoreClass(this, `${name}-provider-class`, args.context, {
      component: "frontend",
      provider: args.certificate.provider,
      parameters: args.certificate.parameters,
      secret: {
        name: tlsSecretName,
        type: "kubernetes.io/tls",
        data: [
          { objectName, key: "tls.key" },
          { objectName, key: "tls.crt" },
        ],
      },
      volumeName: "tls-certificate",
      mountPath: tlsMountPath,
    });
    this.secretName = mounted.secretName;
    this.volume = mounted.volume;
    this.volumeMount = mounted.volumeMount;
    this.registerOutputs({ secretName: this.secretName });
  }
}

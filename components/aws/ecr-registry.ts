import * as ecr from "@pulumi/aws/ecr/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerRegistry, RegistryCredentials } from "../cluster-target.js";

export interface EcrRegistryArgs {
  /** The account whose private registry the images go to. */
  accountId: pulumi.Input<string>;
  /** The registry's region. */
  region: string;
  /** The partition's DNS suffix: `amazonaws.com`, or `amazonaws.com.cn` in China. */
  dnsSuffix: pulumi.Input<string>;
  /** Repository names start with this path, so stacks sharing an account keep apart: `<prefix>/<image>`. */
  prefix: string;
  /** Let `pulumi destroy` delete repositories that still hold images. @default false */
  forceDelete?: boolean;
  /** Refuse to push a tag that already exists, so a tag always means one image. @default true */
  immutableTags?: boolean;
  /** Tags on every repository. @default {} */
  tags?: Record<string, string>;
  /** The resource the registry's invokes run under. */
  parent: pulumi.Resource;
}

/**
 * The account's private ECR registry as a ClusterTarget registry: nodes pull from it with their role's
 * ECR permissions, the program pushes with a short-lived token, and each image gets its own repository.
 */
export function ecrRegistry(args: EcrRegistryArgs): ContainerRegistry {
  const forceDelete = args.forceDelete ?? false;
  const immutableTags = args.immutableTags ?? true;
  const tags = args.tags ?? {};
  if (!/^[a-z0-9]+([._-][a-z0-9]+)*$/.test(args.prefix)) throw new Error(`prefix: ${JSON.stringify(args.prefix)} is not a valid ECR path`);

  const server = pulumi.interpolate`${args.accountId}.dkr.ecr.${args.region}.${args.dnsSuffix}`;
  const repositories = new Map<string, pulumi.Output<string>>();
  let credentials: pulumi.Output<RegistryCredentials> | undefined;
  return {
    server,
    // Asked for only when an image is pushed: the token is valid for 12 hours and changes every run.
    get credentials() {
      credentials ??= pulumi.secret(
        ecr.getAuthorizationTokenOutput({}, { parent: args.parent }).apply((token) => ({ username: token.userName, password: token.password })),
      );
      return credentials;
    },
    repository(name: string, parent: pulumi.Resource): pulumi.Output<string> {
      if (!/^[a-z0-9]+([._-][a-z0-9]+)*$/.test(name)) throw new Error(`name: ${JSON.stringify(name)} is not a valid ECR repository name`);
      const existing = repositories.get(name);
      if (existing) return existing;
      const repository = new ecr.Repository(
        `${name}-ecr`,
        {
          name: `${args.prefix}/${name}`,
          imageTagMutability: immutableTags ? "IMMUTABLE" : "MUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "AES256" }],
          forceDelete,
          tags,
        },
        { parent },
      );
      repositories.set(name, repository.repositoryUrl);
      return repository.repositoryUrl;
    },
  };
}

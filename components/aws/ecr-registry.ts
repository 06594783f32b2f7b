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
  /** Refuse to push a tag that already exists, so a tag always means one image. @default true */
  immutableTags?: boolean;
  /** Protect the repositories from deletion, as the stack protects its stateful resources. @default false */
  protect?: boolean;
  /** Tags on every repository. @default {} */
  tags?: Record<string, string>;
  /** The resource the registry's invokes run under. */
  parent: pulumi.Resource;
}

/** Tagged images a repository keeps: the running one and the ones before it, to roll back to. */
export const keptTaggedImages = 20;
/** Days an untagged image (one whose tag moved to a newer push) is kept. */
export const untaggedImageDays = 7;

/**
 * The lifecycle policy of every repository: untagged images expire after `untaggedDays`, and of the
 * tagged ones the newest `keepTagged` stay. Images an image index refers to (the platform images and
 * attestations of a build) expire only with their index, so a kept tag always pulls.
 */
export function ecrLifecyclePolicy(keepTagged = keptTaggedImages, untaggedDays = untaggedImageDays) {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${untaggedDays} days`,
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedDays },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${keepTagged} tagged images`,
        selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keepTagged },
        action: { type: "expire" },
      },
    ],
  };
}

/**
 * The account's private ECR registry as a ClusterTarget registry: nodes pull from it with their role's
 * ECR permissions, the program pushes with a short-lived token, and each image gets its own repository,
 * with a lifecycle policy that keeps it from growing with every push.
 */
export function ecrRegistry(args: EcrRegistryArgs): ContainerRegistry {
  const immutableTags = args.immutableTags ?? true;
  const protect = args.protect ?? false;
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
      // Named after the registry's prefix too, so that two clusters' apps in one stack (a fleet's) do not
      // collide; the alias keeps the name a single cluster's stack had before.
      const logical = `${args.prefix}-${name}-ecr`;
      const repository = new ecr.Repository(
        logical,
        {
          name: `${args.prefix}/${name}`,
          imageTagMutability: immutableTags ? "IMMUTABLE" : "MUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "AES256" }],
          // Its images are build output, rebuilt from the sources their content tag names, and a
          // repository that holds images cannot otherwise be deleted (the lifecycle policy never empties
          // it): `pulumi destroy` would fail halfway. So it goes with its images in every environment;
          // what keeps prod's from being deleted by mistake is `protect`, as for the cluster.
          forceDelete: true,
          tags,
        },
        { parent, protect, aliases: [{ name: `${name}-ecr` }] },
      );
      new ecr.LifecyclePolicy(
        `${logical}-lifecycle`,
        { repository: repository.name, policy: JSON.stringify(ecrLifecyclePolicy()) },
        { parent, aliases: [{ name: `${name}-ecr-lifecycle` }] },
      );
      repositories.set(name, repository.repositoryUrl);
      return repository.repositoryUrl;
    },
  };
}

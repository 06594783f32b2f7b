import type * as k8s from "@pulumi/kubernetes";

/** The Pod Security Standards levels the app's namespace can enforce. */
export type PodSecurityLevel = "restricted" | "baseline";

/**
 * The Pod Security Standards version the namespace is held to. Pinned, so that a cluster upgrade
 * never tightens the rules under running pods; raise it deliberately.
 */
export const podSecurityVersion = "v1.33";

/**
 * Pod Security Admission labels for the app's namespace. `enforce` and `warn` use the level the pods
 * meet; `audit` is always `restricted`, so the audit log records what still keeps a baseline namespace
 * from the restricted level without warning on every deploy.
 */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  const prefix = "pod-security.kubernetes.io";
  return {
    [`${prefix}/enforce`]: level,
    [`${prefix}/enforce-version`]: podSecurityVersion,
    [`${prefix}/warn`]: level,
    [`${prefix}/warn-version`]: podSecurityVersion,
    [`${prefix}/audit`]: "restricted",
    [`${prefix}/audit-version`]: podSecurityVersion,
  };
}

/** A numeric user and group an image runs as. */
export interface ImageUser {
  uid: number;
  gid: number;
}

/**
 * The pod-level settings of the restricted level: a numeric non-root user (so the kubelet can check
 * runAsNonRoot without reading the image), volumes owned by its group, and the runtime's seccomp profile.
 */
export function restrictedPodSecurityContext(user: ImageUser): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user.uid,
    runAsGroup: user.gid,
    fsGroup: user.gid,
    // Re-own the volume only when its root is not already the group's: fast restarts on large volumes.
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The container-level settings of the restricted level, with a read-only root filesystem. */
export function restrictedContainerSecurityContext(): k8s.types.input.core.v1.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * What a container that must start as root can still give up under the baseline level: privilege
 * escalation (no setuid binaries are needed) and syscalls outside the runtime's seccomp profile. It
 * keeps the default capabilities and a writable root filesystem, which the sample's nginx, uWSGI and
 * supervisord need to bind port 80, drop to their own users and write their sockets and caches.
 */
export function baselineContainerSecurityContext(): k8s.types.input.core.v1.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The Redis image the back end runs by default, pinned by version; it runs as the image's `redis` user. */
export const defaultRedisImage = "redis:7.4.5-alpine";

/** The sample's public front end image, as the seed talk deploys it. It runs as root, listens on 80, and has no health endpoint. */
export const sampleImage = "mcr.microsoft.com/azuredocs/azure-vote-front:v1";

/** An image reference that ends in a tag or a digest: never a bare name, which means latest. */
export const pinnedImagePattern = /(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/;

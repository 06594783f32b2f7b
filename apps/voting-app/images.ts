/** The Redis image the back end runs by default, pinned by version; it runs as the image's `redis` user. */
export const defaultRedisImage = "redis:7.4.5-alpine";

/** The sample's public front end image, as the seed talk deploys it. It runs as root, listens on 80, and has no health endpoint. */
export const sampleImage = "mcr.microsoft.com/azuredocs/azure-vote-front:v1";

/**
 * The Redis persistence settings of the Voting App, shared by the StatefulSet that runs Redis and by the
 * tests that crash a real redis-server, so the guarantee the tests prove is the one the cluster gets.
 *
 * Append-only file with an fsync every second: a vote is durable at most one second after it is counted,
 * which survives pod restarts and SIGKILL alike, without paying an fsync on every vote.
 */
export const redisPersistenceArgs: readonly string[] = [
  "--appendonly",
  "yes",
  "--appendfsync",
  "everysec",
  "--dir",
  "/data",
];

/** The longest a counted vote may wait before it reaches the disk, in milliseconds. */
export const redisFsyncIntervalMs = 1_000;

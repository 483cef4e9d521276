/**
 * Aurora PostgreSQL's default `max_connections` is `LEAST({DBInstanceClassMemory/9531392}, 5000)`. This uses the
 * class's nominal memory, so it is an upper bound (DBInstanceClassMemory is a little lower); `SHOW
 * max_connections` on the instance gives the exact value.
 */
const BYTES_PER_CONNECTION = 9_531_392;
const CONNECTION_CAP = 5000;
const GIB = 1024 ** 3;
/** Serverless v2: one ACU is about 2 GiB of memory; the limit follows the maximum capacity. */
const GIB_PER_ACU = 2;

/** GiB of memory per size of the burstable (t) and memory-optimized (r) families Aurora PostgreSQL offers. */
const MEMORY_GIB: Readonly<Record<'t' | 'r', Readonly<Record<string, number>>>> = {
  t: { medium: 4, large: 8 },
  r: {
    large: 16,
    xlarge: 32,
    '2xlarge': 64,
    '4xlarge': 128,
    '8xlarge': 256,
    '12xlarge': 384,
    '16xlarge': 512,
    '24xlarge': 768,
  },
};

function fromMemory(gib: number): number {
  return Math.min(Math.floor((gib * GIB) / BYTES_PER_CONNECTION), CONNECTION_CAP);
}

/** Default `max_connections` of a provisioned instance class such as `r7g.large` or `db.t4g.medium`. */
export function auroraPostgresMaxConnections(instanceClass: string): number {
  const match = /^(?:db\.)?([tr])\d+[a-z]*\.([a-z0-9]+)$/.exec(instanceClass);
  const gib = match ? MEMORY_GIB[match[1] as 't' | 'r'][match[2]!] : undefined;
  if (gib === undefined) {
    throw new Error(
      `cannot derive max_connections of instance class '${instanceClass}': known are the t (medium, large) and ` +
        `r (large … 24xlarge) families`,
    );
  }
  return fromMemory(gib);
}

/** Default `max_connections` of a Serverless v2 instance with this maximum capacity (ACUs). */
export function auroraServerlessMaxConnections(maxCapacity: number): number {
  return fromMemory(maxCapacity * GIB_PER_ACU);
}

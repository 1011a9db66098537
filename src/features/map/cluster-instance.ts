import { db } from '../../lib/db/index.ts';
import { createClusterService, databaseClusterSource, type ClusterService } from './cluster-service.ts';

// One per process: the launcher (src/cli/serve.ts, whose Node route answers the map's views)
// and the bundled server (the Astro route) each carry their own copy of this module, so the
// service lives on globalThis, as the database does: one index in memory, built once.
const KEY = Symbol.for('gongzhi.map-clusters');
const holder = globalThis as unknown as { [KEY]?: ClusterService };

/** This process's clustered map indexes (built on the first view asked for, then kept up to date). */
export const mapClusters: ClusterService = (holder[KEY] ??= createClusterService(databaseClusterSource(db)));

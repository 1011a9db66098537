import { db } from '../../lib/db/index.ts';
import { createClusterService, databaseClusterSource } from './cluster-service.ts';

/** This process's clustered map indexes (built on the first view asked for, then kept up to date). */
export const mapClusters = createClusterService(databaseClusterSource(db));

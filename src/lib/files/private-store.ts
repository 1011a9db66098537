// Files that only staff may read (proofs of ownership, ballot scans), outside public/.
import path from 'node:path';
import { config } from '../config.ts';
import { fileStore } from './storage.ts';

/** Proofs live apart from public documents; only staff of the subdistrict can read them. */
export const privateStore = () => fileStore(path.join(config().dataDir, 'private'));

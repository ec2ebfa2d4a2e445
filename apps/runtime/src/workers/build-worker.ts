// `npm run build -w @waflow/runtime`: builds the number worker bundle ahead of time (images, pm2),
// so a host whose code folder is read-only never needs to write it at start.
import { buildWorkerBundle } from './worker-bundle.ts';

console.log(`built ${await buildWorkerBundle()}`);

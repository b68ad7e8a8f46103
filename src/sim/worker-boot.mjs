// Worker threads do not inherit tsx's loader on Node 20, so each worker registers it
// before importing its TypeScript entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);

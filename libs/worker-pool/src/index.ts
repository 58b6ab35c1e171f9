export { WorkerJobError, WorkerPool, WorkerPoolOptions } from './worker-pool';
export { serveBatches } from './serve-batches';

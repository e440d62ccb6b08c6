/** A worker thread for test/engine/id-index.test.ts: it reads a table posted by the main thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { findId, newIdTable } from '../../src/engine/id-index.js';

const { table, ids } = workerData as { table: Int32Array; ids: string[] };
parentPort!.postMessage({
  slots: ids.map((id) => findId(table, ids, id)),
  ownKey: Array.from(newIdTable(1).subarray(0, 2)),
});

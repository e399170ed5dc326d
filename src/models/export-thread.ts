/**
 * Export builds off the API's event loop: each runs in a worker thread of its own, at most
 * EXPORT_THREADS at once (others wait their turn), so a flood of first downloads costs threads'
 * time, never the loop's.
 */
import { Worker } from "node:worker_threads";
import type { ExportOutcome, ExportTask } from "./export-build.js";

const EXPORT_THREADS = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function turn(): Promise<() => void> {
  if (running >= EXPORT_THREADS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

/** The thread's body: one task in, its outcome out (TypeScript through tsx, as the process runs it). */
const BODY = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.tsx).then((tsx) => tsx.register()).then(() => import(workerData.module)).then((m) => m.buildExportFile(workerData.task)).then(
  (outcome) => parentPort.postMessage({ outcome }, outcome.file ? [outcome.file.buffer] : []),
  (err) => parentPort.postMessage({ error: String(err && err.stack || err) }),
);`;

export async function buildInThread(task: ExportTask): Promise<ExportOutcome> {
  const done = await turn();
  try {
    // The thread imports the TypeScript module through the loader the process runs with (tsx).
    // Pieces that own their memory move to the thread (transferred, not cloned); others are copied.
    const owned = task.pieces.filter((p) => p.byteOffset === 0 && p.byteLength === p.buffer.byteLength).map((p) => p.buffer as ArrayBuffer);
    const worker = new Worker(BODY, {
      eval: true, transferList: [...new Set(owned)],
      workerData: { tsx: import.meta.resolve("tsx/esm/api"), module: new URL("./export-build.ts", import.meta.url).href, task },
    });
    return await new Promise<ExportOutcome>((resolve, reject) => {
      worker.once("message", (m: { outcome?: ExportOutcome; error?: string }) => (m.outcome ? resolve(m.outcome) : reject(new Error(`export thread: ${m.error}`))));
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`export thread exited with code ${code}`)));
    }).finally(() => void worker.terminate());
  } finally {
    done();
  }
}

/**
 * Export builds off the API's event loop: they run in worker threads, at most EXPORT_THREADS at
 * once (others wait their turn), so a flood of first downloads costs threads' time, never the
 * loop's. A thread stays for IDLE_MS after its last build (loading tfjs in a new thread takes
 * about a second), then ends; one that fails is replaced by a new one.
 */
import { Worker } from "node:worker_threads";
import type { ExportOutcome, ExportTask } from "./export-build.js";

const EXPORT_THREADS = 2;
const IDLE_MS = 60_000;

/** The thread's body: tasks in, outcomes out (TypeScript through tsx, as the process runs it). */
const BODY = `
const { parentPort, workerData } = require("node:worker_threads");
const ready = import(workerData.tsx).then((tsx) => tsx.register()).then(() => import(workerData.module));
parentPort.on("message", (task) => ready.then((m) => m.buildExportFile(task)).then(
  (outcome) => parentPort.postMessage({ outcome }, outcome.file ? [outcome.file.buffer] : []),
  (err) => parentPort.postMessage({ error: String((err && err.stack) || err) }),
));`;

interface Thread {
  worker: Worker;
  idle?: NodeJS.Timeout;
}

const idle: Thread[] = [];
let busy = 0;
const waiting: Array<() => void> = [];

function spawn(): Thread {
  const worker = new Worker(BODY, {
    eval: true,
    workerData: { tsx: import.meta.resolve("tsx/esm/api"), module: new URL("./export-build.ts", import.meta.url).href },
  });
  worker.unref(); // an idle thread never keeps the process alive
  return { worker };
}

/** A thread for one build: an idle one, or a new one while fewer than EXPORT_THREADS are busy. */
async function take(): Promise<Thread> {
  while (busy >= EXPORT_THREADS) await new Promise<void>((resolve) => waiting.push(resolve));
  busy++;
  const thread = idle.pop() ?? spawn();
  clearTimeout(thread.idle);
  return thread;
}

function give(thread: Thread, healthy: boolean): void {
  busy--;
  if (healthy) {
    thread.idle = setTimeout(() => {
      idle.splice(idle.indexOf(thread), 1);
      void thread.worker.terminate();
    }, IDLE_MS).unref();
    idle.push(thread);
  } else void thread.worker.terminate();
  waiting.shift()?.();
}

/**
 * Builds one export in a thread. `prepare` (which reads the weights) runs only once a thread is
 * free, so requests waiting their turn hold no weights: a flood of first downloads of a large
 * model holds at most EXPORT_THREADS copies of it.
 */
export async function buildInThread(prepare: () => Promise<ExportTask>): Promise<ExportOutcome> {
  const thread = await take();
  let healthy = true; // a thread that failed a build (or died) is replaced, not reused
  try {
    const task = await prepare();
    // Pieces that own their memory move to the thread (transferred, not cloned); others are copied.
    const owned = task.pieces.filter((p) => p.byteOffset === 0 && p.byteLength === p.buffer.byteLength).map((p) => p.buffer as ArrayBuffer);
    const { worker } = thread;
    return await new Promise<ExportOutcome>((resolve, reject) => {
      const onMessage = (m: { outcome?: ExportOutcome; error?: string }) => (m.outcome ? resolve(m.outcome) : reject(new Error(`export thread: ${m.error}`)));
      const onExit = (code: number) => reject(new Error(`export thread exited with code ${code}`));
      worker.once("message", onMessage).once("error", reject).once("exit", onExit);
      worker.ref(); // a build in progress keeps the process alive
      worker.postMessage(task, [...new Set(owned)]);
    })
      .catch((err: unknown) => {
        healthy = false;
        throw err;
      })
      .finally(() => {
        worker.removeAllListeners("message").removeAllListeners("error").removeAllListeners("exit");
        worker.unref();
      });
  } finally {
    give(thread, healthy);
  }
}

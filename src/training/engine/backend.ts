import { tf } from "./tf.js";

export type BackendPreference = "auto" | "tensorflow" | "wasm" | "cpu";

interface Candidate {
  label: string;
  backend: string;
  load: () => Promise<unknown>;
}

// Optional packages are imported by a computed name so that their absence is a runtime fact,
// not a compile error: tfjs-node(-gpu) cannot be installed where libtensorflow can't be downloaded.
const optional = (pkg: string) => () => import(pkg);

const CANDIDATES: Record<Exclude<BackendPreference, "auto">, Candidate[]> = {
  tensorflow: [
    { label: "tensorflow-gpu", backend: "tensorflow", load: optional("@tensorflow/tfjs-node-gpu") },
    { label: "tensorflow", backend: "tensorflow", load: optional("@tensorflow/tfjs-node") },
  ],
  wasm: [{ label: "wasm", backend: "wasm", load: () => import("@tensorflow/tfjs-backend-wasm") }],
  cpu: [{ label: "cpu", backend: "cpu", load: () => import("@tensorflow/tfjs-backend-cpu") }],
};

let selected: Promise<string> | undefined;

/**
 * Picks the compute once per process: `auto` tries libtensorflow on a GPU, then on the CPU, then
 * WebAssembly, then plain JS. An explicit preference that cannot load is an error, not a silent
 * fallback. Resolves to the label recorded on jobs (e.g. `wasm`, `tensorflow-gpu`).
 */
export function initBackend(preference: BackendPreference): Promise<string> {
  selected ??= select(preference);
  return selected;
}

async function select(preference: BackendPreference): Promise<string> {
  const order = preference === "auto" ? [...CANDIDATES.tensorflow, ...CANDIDATES.wasm, ...CANDIDATES.cpu] : CANDIDATES[preference];
  const failures: string[] = [];
  for (const c of order) {
    try {
      await c.load();
      if (await tf.setBackend(c.backend)) {
        await tf.ready();
        if (c.backend === "wasm") registerWasmFallbacks();
        return c.label;
      }
      failures.push(`${c.label}: backend did not initialize`);
    } catch (err) {
      failures.push(`${c.label}: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(`TFJS_BACKEND=${preference}: no backend could start (${failures.join("; ")})`);
}

interface WasmBackend {
  readSync(id: object): Float32Array | Int32Array;
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  dataIdMap: { get(id: object): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
}

/**
 * tfjs-backend-wasm 4.22's Slice copies the whole input out of the wasm heap (readSync) for
 * every slice, so cutting batches from a dataset tensor costs the dataset's size per batch:
 * quadratic in the rows (predicting 100,000 rows took 7.7 s, all of it in that copy). A slice
 * that is one contiguous range (every batch along the first axis) is copied inside the heap
 * instead; other slices go to the original kernel.
 */
/** The wasm backend's internals (heap, tensor offsets), which tfjs does not type; checked before use. */
function wasmInternals(backend: object): WasmBackend {
  if (!("dataIdMap" in backend) || !("wasm" in backend)) throw new Error("not tfjs's wasm backend");
  return backend as WasmBackend;
}

function registerContiguousSlice(): void {
  const original = tf.getKernel("Slice", "wasm");
  if (!original || (original as { contiguous?: boolean }).contiguous) return;
  tf.unregisterKernel("Slice", "wasm");
  const kernel = {
    kernelName: "Slice",
    backendName: "wasm",
    contiguous: true,
    kernelFunc: (args: Parameters<tf.KernelFunc>[0]) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
      const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size) as [number[], number[]];
      if (x.dtype === "string" || !tf.slice_util.isSliceContinous(x.shape, b, s)) return original.kernelFunc(args);
      const wasm = wasmInternals(args.backend);
      const out = wasm.makeOutput(s, x.dtype); // before reading offsets: allocating may grow the heap
      const bytes = tf.util.bytesPerElement(x.dtype as "float32");
      const from = wasm.dataIdMap.get(x.dataId).memoryOffset + tf.slice_util.computeFlatOffset(b, tf.util.computeStrides(x.shape)) * bytes;
      const to = wasm.dataIdMap.get(out.dataId).memoryOffset;
      wasm.wasm.HEAPU8.copyWithin(to, from, from + tf.util.sizeFromShape(s) * bytes);
      return out;
    },
  };
  tf.registerKernel(kernel as tf.KernelConfig);
}

/**
 * tfjs-backend-wasm 4.22 lacks UnsortedSegmentSum, which the gradient of Gather (so of every
 * Embedding layer) needs. This is the plain loop: out[segmentIds[i]] += x[i] row by row.
 */
function registerWasmFallbacks(): void {
  registerContiguousSlice();
  if (tf.getKernel("UnsortedSegmentSum", "wasm")) return;
  tf.registerKernel({
    kernelName: "UnsortedSegmentSum",
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const { numSegments } = attrs as { numSegments: number };
      const wasm = wasmInternals(backend);
      const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
      const xs = Float32Array.from(wasm.readSync(x.dataId) as Float32Array);
      const ids = Int32Array.from(wasm.readSync(segmentIds.dataId) as Int32Array);
      const out = wasm.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
      const values = wasm.typedArrayFromHeap(out); // a view taken after allocating: heap growth detaches older ones
      values.fill(0);
      ids.forEach((seg, i) => {
        if (seg < 0 || seg >= numSegments) return;
        for (let k = 0; k < rowSize; k++) values[seg * rowSize + k]! += xs[i * rowSize + k]!;
      });
      return out;
    },
  });
}

/**
 * The few ONNX protobuf messages an exporter writes (onnx/onnx.proto3, IR version 8), encoded by
 * hand: protobuf's wire format is varints and length-delimited fields
 * (https://protobuf.dev/programming-guides/encoding/), and these messages use only those.
 */

class Writer {
  private parts: Buffer[] = [];

  private varint(v: number | bigint): void {
    let n = BigInt.asUintN(64, BigInt(v));
    const bytes: number[] = [];
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n) b |= 0x80;
      bytes.push(b);
    } while (n);
    this.parts.push(Buffer.from(bytes));
  }

  int(field: number, v: number | bigint): this {
    this.varint((field << 3) | 0);
    this.varint(v);
    return this;
  }

  bytes(field: number, b: Buffer | Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    this.parts.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, "utf8"));
  }

  message(field: number, m: Writer): this {
    return this.bytes(field, m.finish());
  }

  float(field: number, v: number): this {
    this.varint((field << 3) | 5);
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.parts.push(b);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export const DataType = { FLOAT: 1, INT64: 7, STRING: 8, DOUBLE: 11 } as const;

/** An attribute: an integer, `{f}` a float, a string, integer or string lists, floats, or a tensor. */
export type Attr = number | { f: number } | string | number[] | string[] | { floats: number[] } | { tensor: Tensor };

export interface Tensor {
  name: string;
  dims: number[];
  type: "float" | "double" | "int64" | "string";
  values: Float32Array | number[] | string[];
}

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, Attr>;
  domain?: string;
}

export interface ValueInfo {
  name: string;
  type: "float" | "int64" | "string";
  /** A number, or a name for a dimension of any size (the batch). */
  shape: Array<number | string>;
}

function tensor(t: Tensor): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type === "float" ? DataType.FLOAT : t.type === "double" ? DataType.DOUBLE : t.type === "int64" ? DataType.INT64 : DataType.STRING);
  w.string(8, t.name);
  if (t.type === "double") {
    const f = Float64Array.from(t.values as ArrayLike<number>);
    w.bytes(9, new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
  } else if (t.type === "float") {
    const f = Float32Array.from(t.values as ArrayLike<number>);
    w.bytes(9, new Uint8Array(f.buffer, f.byteOffset, f.byteLength)); // raw_data, little-endian
  } else if (t.type === "int64") {
    const b = Buffer.alloc(8 * t.values.length);
    (t.values as number[]).forEach((v, i) => b.writeBigInt64LE(BigInt(v), i * 8));
    w.bytes(9, b);
  } else {
    for (const s of t.values as string[]) w.string(6, s);
  }
  return w;
}

function attribute(name: string, a: Attr): Writer {
  const w = new Writer().string(1, name);
  if (typeof a === "number") return w.int(3, a).int(20, 2);
  if (typeof a === "object" && "f" in a) return w.float(2, a.f).int(20, 1);
  if (typeof a === "string") return w.string(4, a).int(20, 3);
  if (Array.isArray(a)) {
    if (a.every((v) => typeof v === "string")) {
      for (const s of a as string[]) w.string(9, s);
      return w.int(20, 8);
    }
    for (const v of a as number[]) w.int(8, v);
    return w.int(20, 7);
  }
  if ("floats" in a) {
    for (const v of a.floats) w.float(7, v);
    return w.int(20, 6);
  }
  return w.message(5, tensor(a.tensor)).int(20, 4);
}

function valueInfo(v: ValueInfo): Writer {
  const shape = new Writer();
  for (const d of v.shape) shape.message(1, typeof d === "number" ? new Writer().int(1, d) : new Writer().string(2, d));
  const tensorType = new Writer().int(1, v.type === "float" ? DataType.FLOAT : v.type === "int64" ? DataType.INT64 : DataType.STRING).message(2, shape);
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType));
}

export interface Model {
  graphName: string;
  nodes: Node[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  opsets: Array<{ domain: string; version: number }>;
  producer: string;
  docString: string;
  metadata: Record<string, string>;
}

/** A ModelProto's bytes. */
export function encodeModel(m: Model): Buffer {
  const graph = new Writer();
  m.nodes.forEach((n, i) => {
    const node = new Writer();
    for (const x of n.inputs) node.string(1, x);
    for (const y of n.outputs) node.string(2, y);
    node.string(3, `${n.op}_${i}`).string(4, n.op);
    for (const [k, a] of Object.entries(n.attrs ?? {})) node.message(5, attribute(k, a));
    if (n.domain) node.string(7, n.domain);
    graph.message(1, node);
  });
  graph.string(2, m.graphName);
  for (const t of m.initializers) graph.message(5, tensor(t));
  for (const v of m.inputs) graph.message(11, valueInfo(v));
  for (const v of m.outputs) graph.message(12, valueInfo(v));
  const model = new Writer().int(1, 8).string(2, m.producer).string(6, m.docString).message(7, graph);
  for (const o of m.opsets) model.message(8, new Writer().string(1, o.domain).int(2, o.version));
  for (const [k, v] of Object.entries(m.metadata)) model.message(14, new Writer().string(1, k).string(2, v));
  return model.finish();
}

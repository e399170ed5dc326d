/**
 * How many hidden neurons? The rules of thumb a course teaches, each computed for one dataset:
 * N_i inputs after encoding, N_o outputs, N_s training rows. The analytic estimates are those
 * compared in K. G. Sheela and S. N. Deepa, "Review on Methods to Fix Number of Hidden Neurons
 * in Neural Networks", Mathematical Problems in Engineering, 2013 (Table 1), where n is the
 * number of inputs and N the number of training samples.
 */

export interface SizingInput {
  /** N_i: encoded inputs. */
  inputs: number;
  /** N_o: outputs (1 for binary and regression, the classes for multiclass). */
  outputs: number;
  /** N_s: training rows. */
  rows: number;
  /** Largest layer the service accepts (MAX_UNITS): values past it are reported, not proposed. */
  maxUnits: number;
}

export interface SizingRule {
  name: string;
  source: string;
  formula: string;
  /** The rule's number for this dataset (null where it has none: a division by zero, a negative). */
  value: number | null;
  /** For rules that give a range rather than a number. */
  range?: [number, number];
  /** Where the rule stops making sense for this dataset, or what had to be assumed. */
  note?: string;
}

export interface SizingAdvice {
  inputs: number;
  outputs: number;
  trainingRows: number;
  rules: SizingRule[];
  depth: { source: string; hint: string };
  /** Candidate sizes for a search: hidden layers and units per layer (sensible values of the rules). */
  space: { type: "mlp"; hiddenLayers: number[]; units: number[] };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The rules for one dataset's N_i, N_o, N_s (see the module comment for the sources). */
export function sizingRules({ inputs: ni, outputs: no, rows: ns, maxUnits }: SizingInput): SizingRule[] {
  const n = ni;
  const pow2 = 2 ** n;
  const huge = (x: number | null) =>
    x !== null && x > maxUnits ? `past MAX_UNITS (${maxUnits}) for ${n} inputs: this rule stops making sense at this width` : undefined;
  const hagan = [2, 10].map((alpha) => ns / (alpha * (ni + no)));
  const rules: SizingRule[] = [
    {
      name: "between inputs and outputs",
      source: "rule of thumb (Heaton 2008)",
      formula: "N_o <= N_h <= N_i",
      value: null,
      range: [Math.min(ni, no), Math.max(ni, no)],
    },
    { name: "two thirds of the inputs plus the outputs", source: "rule of thumb (Heaton 2008)", formula: "2/3 N_i + N_o", value: (2 / 3) * ni + no },
    { name: "under twice the inputs", source: "rule of thumb (Heaton 2008)", formula: "N_h < 2 N_i", value: null, range: [1, 2 * ni - 1] },
    {
      name: "samples per weight",
      source: "Hagan, Demuth, Beale & De Jesus, Neural Network Design, 2nd ed., 2014",
      formula: "N_s / (alpha (N_i + N_o)), alpha 2..10",
      value: null,
      range: [hagan[1]!, hagan[0]!],
      ...(hagan[0]! < 1 ? { note: `fewer than ${2 * (ni + no)} training rows: not even one hidden neuron at alpha 2` } : {}),
    },
    { name: "Li, Chow & Yu 1995", source: "Sheela & Deepa 2013, Table 1", formula: "(sqrt(1 + 8n) - 1) / 2", value: (Math.sqrt(1 + 8 * n) - 1) / 2 },
    {
      name: "Tamura & Tateishi 1997",
      source: "Sheela & Deepa 2013, Table 1",
      formula: "N - 1 (N training samples; three-layer network that fits every sample)",
      value: ns - 1,
    },
    { name: "Zhang, Ma & Yang 2003", source: "Sheela & Deepa 2013, Table 1", formula: "2^n / n + 1", value: finite(pow2 / n + 1) },
    {
      name: "Jinchuan & Xinzhe 2008",
      source: "Sheela & Deepa 2013, Table 1",
      formula: "(N_in + sqrt(N_p)) / L (L = 1 hidden layer)",
      value: ni + Math.sqrt(ns),
    },
    {
      name: "Xu & Chen 2008",
      source: "Sheela & Deepa 2013, Table 1",
      formula: "C_f (N / (d log N))^0.5",
      value: ns > 1 ? finite(Math.sqrt(ns / (n * Math.log(ns)))) : null,
      note: "C_f (the first absolute moment of the target function's Fourier magnitudes) is unknown here: taken as 1",
    },
    { name: "Shibata & Ikeda 2009", source: "Sheela & Deepa 2013, Table 1", formula: "sqrt(N_i N_o)", value: Math.sqrt(ni * no) },
    { name: "Hunter, Yu, Pukish, Kolbusz & Wilamowski 2012", source: "Sheela & Deepa 2013, Table 1", formula: "2^n - 1", value: finite(pow2 - 1) },
    {
      name: "Sheela & Deepa 2013",
      source: "Sheela & Deepa 2013 (their proposed estimate)",
      formula: "(4n^2 + 3) / (n^2 - 8)",
      value: n * n - 8 > 0 ? (4 * n * n + 3) / (n * n - 8) : null,
      ...(n * n - 8 <= 0 ? { note: "n^2 - 8 <= 0 for n <= 2 inputs: no value" } : {}),
    },
  ];
  return rules.map((r) => {
    const note = r.note ?? huge(r.value) ?? (r.value === null && !r.range ? `2^${n} overflows: no value for ${n} inputs` : undefined);
    return note ? { ...r, note } : r;
  });
}

/** Rules, the depth hint, and a search space from their sensible values (1..maxUnits, at most 8). */
export function sizingAdvice(input: SizingInput): SizingAdvice {
  const rules = sizingRules(input);
  const values = rules
    .flatMap((r) => (r.range ? r.range : [r.value]))
    .filter((v): v is number => v !== null && v >= 1 && v <= input.maxUnits)
    .map((v) => Math.round(v));
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  // At most 8, spread over the range: the smallest, the largest, and evenly between.
  const units = distinct.length <= 8 ? distinct : [...new Set(Array.from({ length: 8 }, (_, i) => distinct[Math.round((i * (distinct.length - 1)) / 7)]!))];
  return {
    inputs: input.inputs,
    outputs: input.outputs,
    trainingRows: input.rows,
    rules,
    depth: {
      source: "Lippmann, An introduction to computing with neural nets, IEEE ASSP Magazine, 1987",
      hint: "two hidden layers suffice for any decision region: try 1, then 2, rarely more",
    },
    space: { type: "mlp", hiddenLayers: [1, 2], units: units.length ? units : [Math.max(1, Math.min(input.maxUnits, input.inputs))] },
  };
}

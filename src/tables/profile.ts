/** Column type inference and statistics, computed in one streaming pass over the rows. */
import { z } from "zod";

export const COLUMN_TYPES = ["numeric", "categorical", "boolean", "text"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** One column's profile: the response schema and the type, one definition. */
export const ColumnProfileSchema = z.object({
  name: z.string(),
  type: z.enum(COLUMN_TYPES),
  missing: z.number().int(),
  /** Distinct non-missing values (a lower bound once `distinctCapped`). */
  distinct: z.number().int(),
  distinctCapped: z.boolean().optional(),
  /** Every value differs from every other (an id, a name): useless as a feature, flagged. */
  identifier: z.boolean().optional().describe("Every value distinct: an id or a name, not a feature"),
  min: z.number().optional(),
  max: z.number().optional(),
  mean: z.number().optional(),
  std: z.number().optional(),
  /** Most frequent values, for categorical, boolean and text columns. */
  top: z.array(z.object({ value: z.string(), count: z.number().int() })).optional(),
});
export type ColumnProfile = z.infer<typeof ColumnProfileSchema>;

/** A dataset's stored profile (Dataset.columns) read back through its schema. */
export const readProfiles = (json: unknown): ColumnProfile[] => z.array(ColumnProfileSchema).parse(json);

/** Values read as missing, besides the empty field (the shared datasets use these). */
const MISSING = new Set(["", "na", "nan", "null", "?"]);
const BOOLEAN = new Set(["true", "false", "yes", "no", "t", "f", "y", "n"]);
export const TRUE_VALUES = new Set(["true", "yes", "t", "y", "1"]);
const DISTINCT_CAP = 10_000;
/** A column with more distinct values than this (and than half its rows) is free text. */
const MAX_CATEGORIES = 100;
/** Longest value kept as it is; a longer one is kept as its start and a hash (distinct all the same). */
const MAX_KEPT_CHARS = 64;

/**
 * Distinct values one upload's profilers may keep beyond each column's first MAX_CATEGORIES + 1
 * (which every column keeps, so types are inferred exactly): memory per upload, not per column.
 * 1,000 columns of 10,000 distinct strings once kept 10M values (800 MB) and sorted them all.
 */
export class DistinctBudget {
  constructor(public remaining = 250_000) {}
}

/** 53-bit FNV-1a of a string's UTF-16 units (a cheap key for long values; collisions only merge counts). */
function fnv(s: string): string {
  let h1 = 0x811c9dc5,
    h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 2246822507);
  }
  return ((h2 >>> 0) * 2 ** 21 + ((h1 >>> 0) & 0x1fffff)).toString(36);
}

/** The key a value is counted under: itself, or its start and a hash when long. */
const keyOf = (value: string) => (value.length <= MAX_KEPT_CHARS ? value : `${value.slice(0, MAX_KEPT_CHARS - 16)}…#${fnv(value)}`);

/** The `k` most frequent entries (ties by value), in one pass: no sort of every distinct value. */
function topK(counts: Map<string, number>, k: number): Array<[string, number]> {
  const top: Array<[string, number]> = [];
  const before = (a: [string, number], b: [string, number]) => a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);
  for (const entry of counts) {
    if (top.length === k && !before(entry, top[k - 1]!)) continue;
    let i = Math.min(top.length, k - 1);
    top[i] = entry;
    while (i > 0 && before(top[i]!, top[i - 1]!)) {
      [top[i], top[i - 1]] = [top[i - 1]!, top[i]!];
      i--;
    }
  }
  return top;
}

export function isMissing(raw: string | undefined | null): boolean {
  return raw == null || MISSING.has(raw.trim().toLowerCase());
}

/** Parses a CSV field as a finite number; `undefined` when it is not one. */
export function parseNumber(raw: string): number | undefined {
  const s = raw.trim();
  if (s === "") return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** Accumulates one column. Welford's online mean/variance (Knuth, TAOCP vol. 2, 4.2.2). */
export class ColumnProfiler {
  private missing = 0;
  private count = 0;
  private allNumeric = true;
  private allBoolean = true;
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private counts = new Map<string, number>();
  private capped = false;
  private repeats = 0;

  /** `budget`: shared by every column of one upload (DistinctBudget). */
  constructor(
    readonly name: string,
    private readonly budget = new DistinctBudget(),
  ) {}

  /** `n` rows with no value (JSON Lines rows read before this key first appeared). */
  addMissing(n: number): void {
    this.missing += n;
  }

  add(raw: string): void {
    if (isMissing(raw)) {
      this.missing++;
      return;
    }
    const value = raw.trim();
    this.count++;
    if (this.allNumeric) {
      const x = parseNumber(value);
      if (x === undefined) this.allNumeric = false;
      else {
        this.n++;
        const d = x - this.mean;
        this.mean += d / this.n;
        this.m2 += d * (x - this.mean);
        if (x < this.min) this.min = x;
        if (x > this.max) this.max = x;
      }
    }
    if (this.allBoolean && !BOOLEAN.has(value.toLowerCase())) this.allBoolean = false;
    const key = keyOf(value);
    const seen = this.counts.get(key);
    if (seen !== undefined) {
      this.counts.set(key, seen + 1);
      this.repeats++;
    } else if (this.counts.size <= MAX_CATEGORIES) this.counts.set(key, 1);
    else if (this.counts.size < DISTINCT_CAP && this.budget.remaining > 0) {
      this.budget.remaining--;
      this.counts.set(key, 1);
    } else this.capped = true;
  }

  result(): ColumnProfile {
    const distinct = this.counts.size;
    const profile: ColumnProfile = { name: this.name, type: this.inferType(distinct), missing: this.missing, distinct };
    if (this.capped) profile.distinctCapped = true;
    if (this.count >= 20 && this.repeats === 0) profile.identifier = true;
    if (profile.type === "numeric" && this.n > 0) {
      profile.min = this.min;
      profile.max = this.max;
      profile.mean = this.mean;
      profile.std = this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0;
    } else if (profile.type !== "numeric") {
      profile.top = topK(this.counts, 5).map(([value, count]) => ({ value, count }));
    }
    return profile;
  }

  /**
   * A boolean column spells each side one way: {t, f}, {yes, no}. Values like {f, n, t} (a chess
   * board's "n" is not a "no") hold three categories; mapping them onto two would lose one.
   */
  private oneTruePerSide(): boolean {
    const spellings = new Set([...this.counts.keys()].map((v) => v.toLowerCase()));
    const trues = [...spellings].filter((v) => TRUE_VALUES.has(v)).length;
    return trues <= 1 && spellings.size - trues <= 1 && !this.capped;
  }

  private inferType(distinct: number): ColumnType {
    if (this.count === 0) return "categorical"; // all missing: nothing to learn, but not text
    if (this.allNumeric) return "numeric";
    if (this.allBoolean && this.oneTruePerSide()) return "boolean";
    if (distinct <= MAX_CATEGORIES && (distinct <= this.count / 2 || this.count < 20)) return "categorical";
    return "text";
  }
}

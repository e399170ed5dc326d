/** Guessing what an upload is, from its name, content type and first bytes. */

export type DatasetFormat = "csv" | "jsonl";
export const DELIMITERS = [",", ";", "\t", "|"] as const;

/** JSON Lines by content type or file extension; CSV otherwise. */
export function detectFormat(contentType: string | undefined, filename: string | undefined): DatasetFormat {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (["application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/json-lines"].includes(type)) return "jsonl";
  if (/\.(jsonl|ndjson)$/i.test(filename ?? "")) return "jsonl";
  return "csv";
}

/**
 * The delimiter that splits the header line into the most fields, counting outside quotes
 * (what Python's csv.Sniffer does, reduced to the header). Comma when there is no other.
 */
export function sniffDelimiter(head: string): string {
  const line = head.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ",";
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

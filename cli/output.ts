/** How the CLI talks: progress bars on a terminal, one line per update elsewhere, JSON on request. */

const isTty = () => Boolean(process.stdout.isTTY);

/** A one-line progress bar: `[#########.........] 12/40 loss 0.41 val_loss 0.45`. */
export function progressLine(done: number, total: number, suffix = ""): string {
  const width = 24;
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}${suffix ? ` ${suffix}` : ""}`;
}

/** Rewrites the current line on a terminal; prints a new line per update otherwise (logs, pipes). */
export function progress(line: string): void {
  if (isTty()) process.stdout.write(`\r\x1b[2K${line}`);
  else process.stdout.write(`${line}\n`);
}

export function endProgress(): void {
  if (isTty()) process.stdout.write("\n");
}

/** An epoch's metrics in Keras's order (loss, metrics, then val_loss, val_ metrics), 4 significant digits. */
export function metricsText(logs: Record<string, unknown>): string {
  const rank = (k: string) => (k.startsWith("val_") ? 2 : 0) + (k.replace(/^val_/, "") === "loss" ? 0 : 1);
  return Object.entries(logs)
    .filter(([k, v]) => typeof v === "number" && k !== "fold")
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([k, v]) => `${k} ${Number((v as number).toPrecision(4))}`)
    .join(" ");
}

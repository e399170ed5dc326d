/**
 * Prometheus text exposition (https://prometheus.io/docs/instrumenting/exposition_formats/),
 * written by hand: a histogram of HTTP latency kept in this process, and gauges read from
 * Postgres and BullMQ at scrape time (so every API instance reports the same job numbers).
 */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram {
  private readonly series = new Map<string, Series>();
  constructor(private readonly buckets = BUCKETS) {}

  observe(labels: Record<string, string>, value: number): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((b, i) => value <= b && s!.counts[i]!++);
    s.sum += value;
    s.count++;
  }

  render(name: string, help: string): string {
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
    for (const [labels, s] of this.series) {
      const sep = labels ? "," : "";
      this.buckets.forEach((b, i) => lines.push(`${name}_bucket{${labels}${sep}le="${b}"} ${s.counts[i]}`));
      lines.push(`${name}_bucket{${labels}${sep}le="+Inf"} ${s.count}`, `${name}_sum{${labels}} ${s.sum}`, `${name}_count{${labels}} ${s.count}`);
    }
    return lines.join("\n");
  }
}

export function labelText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`).join(",");
}

export function gauge(name: string, help: string, samples: Array<[Record<string, string>, number]>): string {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...samples.map(([l, v]) => `${name}${Object.keys(l).length ? `{${labelText(l)}}` : ""} ${v}`)].join("\n");
}

export function counter(name: string, help: string, value: number): string {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`].join("\n");
}

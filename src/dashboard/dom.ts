/** DOM helpers of the dashboard: elements from text only (never innerHTML), and small SVG charts. */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | ((e: Event) => void) | undefined>;

export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === "object" ? c : String(c));
  return el;
}

export const table = (head: string[], rows: Child[][], cls = "") =>
  h(
    "table",
    { class: cls },
    h("thead", {}, h("tr", {}, ...head.map((c) => h("th", {}, c)))),
    h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((c) => h("td", {}, c))))),
  );

export const fmt = (v: unknown, digits = 4) =>
  typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : v === null || v === undefined ? "-" : String(v);

const SVG = "http://www.w3.org/2000/svg";
const s = (tag: string, attrs: Record<string, string | number>) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

/** A line chart of each series by epoch (the learning curves), with its legend. */
export function lineChart(series: Record<string, number[]>, width = 560, height = 260): SVGSVGElement {
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img" }) as SVGSVGElement;
  const names = Object.keys(series).filter((k) => series[k]!.some(Number.isFinite));
  const all = names.flatMap((k) => series[k]!.filter(Number.isFinite));
  const n = Math.max(2, ...names.map((k) => series[k]!.length));
  const [lo, hi] = all.length ? [Math.min(...all), Math.max(...all)] : [0, 1];
  const pad = { l: 48, r: 110, t: 10, b: 28 };
  const x = (i: number) => pad.l + (i / (n - 1)) * (width - pad.l - pad.r);
  const y = (v: number) => pad.t + (1 - (v - lo) / (hi - lo || 1)) * (height - pad.t - pad.b);
  svg.append(
    s("line", { x1: pad.l, y1: height - pad.b, x2: width - pad.r, y2: height - pad.b, stroke: "#999" }),
    s("line", { x1: pad.l, y1: pad.t, x2: pad.l, y2: height - pad.b, stroke: "#999" }),
  );
  for (const v of [lo, (lo + hi) / 2, hi]) {
    const t = s("text", { x: pad.l - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11 });
    t.textContent = Number(v.toPrecision(3)).toString();
    svg.append(t);
  }
  const label = s("text", { x: (width - pad.r + pad.l) / 2, y: height - 6, "text-anchor": "middle", "font-size": 11 });
  label.textContent = "epoch";
  svg.append(label);
  names.forEach((name, i) => {
    const pts = series[name]!.map((v, e) => (Number.isFinite(v) ? `${x(e).toFixed(1)},${y(v).toFixed(1)}` : ""))
      .filter(Boolean)
      .join(" ");
    svg.append(s("polyline", { points: pts, fill: "none", stroke: COLORS[i % COLORS.length]!, "stroke-width": 2, "data-series": name }));
    const key = s("text", { x: width - pad.r + 8, y: pad.t + 14 + i * 16, "font-size": 12, fill: COLORS[i % COLORS.length]! });
    key.textContent = name;
    svg.append(key);
  });
  return svg;
}

/** Reads a fetched image into a data: URL (the page's CSP allows images from data: and itself only). */
export function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}

/** Offers bytes as a file download. */
export function download(name: string, bytes: Uint8Array, type = "application/octet-stream"): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

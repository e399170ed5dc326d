import { existsSync } from "node:fs";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { Resvg } from "@resvg/resvg-js";

export type PlotFormat = "svg" | "png";

/** DejaVu Sans where Debian's fonts-dejavu-core puts it: one file, instead of scanning every system font per image. */
const DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const fonts = existsSync(DEJAVU) ? { fontFiles: [DEJAVU], loadSystemFonts: false } : { loadSystemFonts: true };

/** Renders a Vega-Lite spec headless (no canvas: Vega's SVG renderer) once, as SVG and as PNG (resvg). */
export async function renderPlot(spec: TopLevelSpec): Promise<Record<PlotFormat, Buffer>> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, { background: "white", fitTo: { mode: "zoom", value: 2 }, font: { ...fonts, defaultFontFamily: "DejaVu Sans" } }).render();
    return { svg: Buffer.from(svg), png: png.asPng() };
  } finally {
    view.finalize();
  }
}

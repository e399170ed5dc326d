import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { Resvg } from "@resvg/resvg-js";

export type PlotFormat = "svg" | "png";

/** Renders a Vega-Lite spec headless (no canvas: Vega's SVG renderer), then to PNG with resvg. */
export async function renderPlot(spec: TopLevelSpec, format: PlotFormat): Promise<Buffer> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    if (format === "svg") return Buffer.from(svg);
    // resvg draws text with the system's fonts (DejaVu on Debian: fonts-dejavu-core).
    const png = new Resvg(svg, { background: "white", fitTo: { mode: "zoom", value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } }).render();
    return png.asPng();
  } finally {
    view.finalize();
  }
}

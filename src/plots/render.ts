import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { Resvg } from "@resvg/resvg-js";

export type PlotFormat = "svg" | "png";

/** Renders a Vega-Lite spec headless (no canvas: Vega's SVG renderer) once, as SVG and as PNG (resvg). */
export async function renderPlot(spec: TopLevelSpec): Promise<Record<PlotFormat, Buffer>> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    // resvg draws text with the system's fonts (DejaVu on Debian: fonts-dejavu-core).
    const png = new Resvg(svg, {
      background: "white",
      fitTo: { mode: "zoom", value: 2 },
      font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    }).render();
    return { svg: Buffer.from(svg), png: png.asPng() };
  } finally {
    view.finalize();
  }
}

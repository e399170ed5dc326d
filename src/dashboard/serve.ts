/**
 * Serves the dashboard at `/` from the API itself: one HTML page, its stylesheet, and its script
 * bundled from src/dashboard/app.ts by esbuild on the first request (then kept in memory). The
 * three hold no data (every read goes through the API with the user's key), so they are public;
 * their CSP allows only this origin's script and style, images from data:, and calls to the API.
 */
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("./app.ts", import.meta.url));
const CSS = fileURLToPath(new URL("./dashboard.css", import.meta.url));

export const DASHBOARD_ROUTES = ["/", "/dashboard.js", "/dashboard.css"] as const;

export const DASHBOARD_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
};

export const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Treino</title><link rel="stylesheet" href="/dashboard.css"></head>
<body><header><h1>Treino</h1><nav><a href="#/datasets">Datasets</a><a href="#/jobs">Jobs</a><a href="#/experiments">Experiments</a><a href="#/registry">Registry</a><a href="#/key">API key</a></nav></header>
<main id="main"><p>Loading...</p></main><script type="module" src="/dashboard.js"></script></body></html>`;

let bundle: Promise<{ js: string; css: string }> | undefined;

/** The script and stylesheet, built once per process (esbuild: ~100 ms). */
export function dashboardAssets(): Promise<{ js: string; css: string }> {
  bundle ??= (async () => {
    const esbuild = await import("esbuild");
    const js = await esbuild.build({
      entryPoints: [ENTRY],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2020",
      minify: true,
      write: false,
      legalComments: "none",
    });
    const css = await esbuild.build({ entryPoints: [CSS], bundle: true, minify: true, write: false });
    return { js: js.outputFiles[0]!.text, css: css.outputFiles[0]!.text };
  })();
  bundle.catch(() => (bundle = undefined));
  return bundle;
}

/**
 * Install step (postinstall): builds the MLP fast path (native/mlp) against the machine's CBLAS.
 * Without one (Debian: apt-get install libopenblas-dev) it says so and exits 0: jobs then train
 * through tfjs only. TREINO_SKIP_MLP=1 skips it.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gypRebuild, optionalStep, root } from "./native-build.js";

const dir = join(root, "native/mlp");
const say = (msg: string) => console.log(`[mlp] ${msg}`);

// The codes' one table (src/training/engine/fast/codes.ts) writes native/mlp/codes.h; a production
// image runs postinstall before its src/ is copied in, and builds with the checked-in header.
const CODES = join(root, "src/training/engine/fast/codes.ts");
if (existsSync(CODES)) writeFileSync(join(dir, "codes.h"), (await import(CODES)).cHeader());

optionalStep(
  "mlp",
  () => {
    if (process.env.TREINO_SKIP_MLP === "1") return say("skipped (TREINO_SKIP_MLP=1)");
    const blas = ["/usr/include/cblas.h", "/usr/include/x86_64-linux-gnu/cblas.h", "/usr/include/aarch64-linux-gnu/cblas.h", "/usr/include/openblas/cblas.h"];
    if (!blas.some(existsSync)) return say("no cblas.h (apt-get install libopenblas-dev); jobs train through tfjs only");
    const started = Date.now();
    gypRebuild(dir);
    rmSync(join(dir, "build/Release/obj.target"), { recursive: true, force: true });
    say(`fast path built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  },
  () => rmSync(join(dir, "build"), { recursive: true, force: true }),
);

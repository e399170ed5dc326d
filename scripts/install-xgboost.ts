/**
 * Install step (postinstall): builds the XGBoost binding (native/xgboost) against XGBoost's C
 * header. Without it (Debian: apt-get install libxgboost-dev) it says so and exits 0: the xgboost
 * family then answers 409 naming the package, and every other family works. The library itself is
 * opened when first used (XGBOOST_LIBRARY), so an image may build here and ship only libxgboost0.
 * TREINO_SKIP_XGBOOST=1 skips it.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gypRebuild, optionalStep, root } from "./native-build.js";

const dir = join(root, "native/xgboost");
const say = (msg: string) => console.log(`[xgboost] ${msg}`);

optionalStep(
  "xgboost",
  () => {
    if (process.env.TREINO_SKIP_XGBOOST === "1") return say("skipped (TREINO_SKIP_XGBOOST=1)");
    if (!existsSync("/usr/include/xgboost/c_api.h")) return say("no xgboost/c_api.h (apt-get install libxgboost-dev); the xgboost family is unavailable");
    const started = Date.now();
    gypRebuild(dir);
    rmSync(join(dir, "build/Release/obj.target"), { recursive: true, force: true });
    say(`binding built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  },
  () => rmSync(join(dir, "build"), { recursive: true, force: true }),
);

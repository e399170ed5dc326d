/**
 * Install step (postinstall): makes @tensorflow/tfjs-node usable without downloading anything.
 *
 * Online, `npm ci` installs tfjs-node the ordinary way (its own script downloads libtensorflow)
 * and this script has nothing to do. Offline that download fails and npm drops the optional
 * package; then this script builds tfjs-node's N-API binding against a libtensorflow already on
 * the machine, found in this order:
 *   1. LIBTENSORFLOW_DIR: a folder with lib/ (libtensorflow*.so*) and include/ (tensorflow/c/...);
 *   2. TENSORFLOW_WHEEL: a TensorFlow (CPU) wheel file;
 *   3. a TensorFlow wheel in a folder of TENSORFLOW_WHEEL_DIRS (colon-separated), pip's
 *      find-links, /opt/pypi/files or /opt/wheels; or an installed `tensorflow` Python package.
 * The wheel's libtensorflow_cc.so.2 exports the C API the binding calls. If nothing is found,
 * or anything fails, it says why and exits 0: the worker then trains on WebAssembly.
 * When npm drops tfjs-node it drops its dependencies too: the ones it needs at run time
 * (google-protobuf, @mapbox/node-pre-gyp) are therefore our own dependencies in package.json,
 * although nothing of ours imports them. TREINO_SKIP_TFJS_NODE=1 skips it. Extracted libraries and the built binding are cached in
 * TREINO_CACHE_DIR (default ~/.cache/treino) so a second install takes seconds.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { gypRebuild, optionalStep, root, run } from "./native-build.js";

const VERSION = "4.22.0";
const target = join(root, "node_modules/@tensorflow/tfjs-node");
const cacheRoot = process.env.TREINO_CACHE_DIR ?? join(homedir(), ".cache/treino");
const say = (msg: string) => console.log(`[tfjs-node] ${msg}`);

interface Libtensorflow {
  /** Folder holding libtensorflow_cc.so.2 (or libtensorflow.so.2) and libtensorflow_framework.so.2. */
  lib: string;
  include: string;
  /** Identifies the build for the binding cache. */
  key: string;
}

function loads(): boolean {
  try {
    execFileSync(process.execPath, ["-e", "require('@tensorflow/tfjs-node')"], { cwd: root, stdio: "ignore", timeout: 120_000 });
    return true;
  } catch {
    return false;
  }
}

function findWheel(): string | undefined {
  if (process.env.TENSORFLOW_WHEEL) return process.env.TENSORFLOW_WHEEL;
  const dirs = [...(process.env.TENSORFLOW_WHEEL_DIRS ?? "").split(":"), ...pipFindLinks(), "/opt/pypi/files", "/opt/wheels"];
  const wheel = /^tensorflow(_cpu)?-2\.\d+\.\d+-cp\d+-cp\d+-manylinux[^-]*_x86_64\.whl$/;
  const found = dirs
    .filter((d) => d && existsSync(d))
    .flatMap((d) =>
      readdirSync(d)
        .filter((f) => wheel.test(f))
        .map((f) => join(d, f)),
    );
  // The newest TensorFlow first: names sort by version within one distribution.
  return found.sort().reverse()[0];
}

function pipFindLinks(): string[] {
  try {
    const out = execFileSync("pip", ["config", "list"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return [...out.matchAll(/find-links='([^']+)'/g)].flatMap((m) => m[1]!.split(/\s+/));
  } catch {
    return [];
  }
}

function installedTensorflow(): string | undefined {
  for (const py of ["python3", "/usr/bin/python3"]) {
    try {
      const code = "import importlib.util as u; s=u.find_spec('tensorflow'); print(s.submodule_search_locations[0] if s else '')";
      const dir = execFileSync(py, ["-c", code], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
      if (dir && existsSync(join(dir, "libtensorflow_cc.so.2")) && existsSync(join(dir, "include/tensorflow/c/c_api.h"))) return dir;
    } catch {
      // no such interpreter
    }
  }
  return undefined;
}

function fromWheel(wheel: string): Libtensorflow {
  const dir = join(cacheRoot, `libtensorflow-${basename(wheel, ".whl")}`);
  if (!existsSync(join(dir, "done"))) {
    say(`extracting libtensorflow from ${wheel}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const members = [
      "tensorflow/libtensorflow_cc.so.2",
      "tensorflow/libtensorflow_framework.so.2",
      "tensorflow/include/tensorflow/*",
      "tensorflow/include/xla/*",
      "tensorflow/include/tsl/*",
    ];
    run("unzip", ["-q", "-o", wheel, ...members, "-d", dir], dir);
    run("touch", ["done"], dir);
  }
  return { lib: join(dir, "tensorflow"), include: join(dir, "tensorflow/include"), key: basename(wheel, ".whl") };
}

function locate(): Libtensorflow | undefined {
  const own = process.env.LIBTENSORFLOW_DIR;
  if (own) return { lib: join(own, "lib"), include: join(own, "include"), key: `dir-${createHash("sha1").update(resolve(own)).digest("hex").slice(0, 12)}` };
  const wheel = findWheel();
  if (wheel) return fromWheel(wheel);
  const pkg = installedTensorflow();
  if (pkg) return { lib: pkg, include: join(pkg, "include"), key: `pip-${createHash("sha1").update(pkg).digest("hex").slice(0, 12)}` };
  return undefined;
}

/** A hard link where the cache shares the file system, a copy elsewhere. */
function place(from: string, to: string): void {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

function build(tf: Libtensorflow): void {
  const work = join(cacheRoot, "tmp");
  mkdirSync(work, { recursive: true });
  run("npm", ["pack", `@tensorflow/tfjs-node@${VERSION}`, "--silent", "--pack-destination", work], root);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  run("tar", ["xzf", join(work, `tensorflow-tfjs-node-${VERSION}.tgz`), "--strip-components=1", "-C", target], root);

  const lib = join(target, "deps/lib");
  mkdirSync(lib, { recursive: true });
  const cc = ["libtensorflow_cc.so.2", "libtensorflow.so.2"].map((f) => join(tf.lib, f)).find(existsSync);
  if (!cc) throw new Error(`no libtensorflow_cc.so.2 in ${tf.lib}`);
  // The binding links -ltensorflow; the wheel's library is named (and has the soname) _cc.
  place(cc, join(lib, "libtensorflow_cc.so.2"));
  place(cc, join(lib, "libtensorflow.so.2"));
  place(join(tf.lib, "libtensorflow_framework.so.2"), join(lib, "libtensorflow_framework.so.2"));
  symlinkSync("libtensorflow.so.2", join(lib, "libtensorflow.so"));
  symlinkSync("libtensorflow_framework.so.2", join(lib, "libtensorflow_framework.so"));
  rmSync(join(target, "deps/include"), { recursive: true, force: true });
  symlinkSync(tf.include, join(target, "deps/include"));

  const out = join(target, "lib/napi-v8/tfjs_binding.node");
  const cached = join(cacheRoot, `binding-${VERSION}-${tf.key}-${process.versions.modules}.node`);
  mkdirSync(dirname(out), { recursive: true });
  if (existsSync(cached)) {
    copyFileSync(cached, out);
  } else {
    say("building the binding against it (node-gyp, ~20 s)");
    gypRebuild(target, ["-Dmodule_name=tfjs_binding", "-Dmodule_path=./lib/napi-v8", "-Dnapi_build_version=8"]);
    copyFileSync(out, cached);
    rmSync(join(target, "build"), { recursive: true, force: true });
  }
  // The headers were needed to compile only.
  rmSync(join(target, "deps/include"), { force: true });
}

function main(): void {
  if (process.env.TREINO_SKIP_TFJS_NODE === "1") return say("skipped (TREINO_SKIP_TFJS_NODE=1)");
  if (loads()) return say("already loads; nothing to build");
  const tf = locate();
  if (!tf) return say("no libtensorflow here (set LIBTENSORFLOW_DIR or TENSORFLOW_WHEEL); workers will use WebAssembly");
  const started = Date.now();
  build(tf);
  if (!loads()) throw new Error("built, but require('@tensorflow/tfjs-node') still fails");
  say(`ready against ${tf.key} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

optionalStep("tfjs-node", main, () => rmSync(target, { recursive: true, force: true }));

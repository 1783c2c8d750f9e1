// Runtime side of the bundle split (compiled into the executable, not run by the build): loads a
// heavy module bundle (client-node, openai, ...) only when a command first imports it. Inside the
// single executable the chunk is an embedded asset compiled with its own V8 code cache; under
// plain node (dist/bundle/cli.cjs) it is the file next to the bundle.
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import * as sea from 'node:sea';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

type Exports = Record<string, unknown>;
const loaded = new Map<string, Exports>();

export function loadChunk(name: string): Exports {
  const hit = loaded.get(name);
  if (hit) return hit;
  let exports: Exports;
  if (sea.isSea()) {
    const code = sea.getAsset(`chunks/${name}.cjs`, 'utf8');
    let cachedData: Buffer | undefined;
    try { cachedData = Buffer.from(sea.getAsset(`chunks/${name}.cache`)); } catch { /* cross-built: no cache */ }
    const filename = path.join(path.dirname(process.execPath), `${name}.cjs`);
    const script = new vm.Script(Module.wrap(code), {
      filename,
      ...(cachedData ? { cachedData } : {}),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    const fn = script.runInThisContext() as (...args: unknown[]) => void;
    const mod = { exports: {} as Exports };
    fn.call(mod.exports, mod.exports, createRequire(filename), mod, filename, path.dirname(filename));
    exports = mod.exports;
  } else {
    const here = path.dirname(fileURLToPath(import.meta.url));
    exports = createRequire(import.meta.url)(path.join(here, 'chunks', `${name}.cjs`)) as Exports;
  }
  // Each chunk's entry is `import * as ns from <module>; export { ns }` (see chunk-plugin.ts).
  const ns = exports.ns as Exports;
  loaded.set(name, ns);
  return ns;
}

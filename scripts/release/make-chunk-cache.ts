// Run by the runtime node itself (a code cache is only valid for the V8 build that made it):
// compiles a chunk exactly as sea-chunk-loader.ts does, evaluates it so the functions that run at
// load time are compiled, and writes the V8 code cache next to it.
// usage: <runtime node> make-chunk-cache.ts <chunk.cjs> <out.cache>
import { readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

const [chunkFile, outFile] = process.argv.slice(2);
if (!chunkFile || !outFile) throw new Error('usage: make-chunk-cache.ts <chunk.cjs> <out.cache>');
const code = readFileSync(chunkFile, 'utf8');
const script = new vm.Script(Module.wrap(code), {
  filename: path.resolve(chunkFile),
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const fn = script.runInThisContext() as (...args: unknown[]) => void;
const mod = { exports: {} as Record<string, unknown> };
fn.call(mod.exports, mod.exports, createRequire(path.resolve(chunkFile)), mod, chunkFile, path.dirname(chunkFile));
writeFileSync(outFile, script.createCachedData());

// esbuild step: the CLI as one small CommonJS startup bundle, plus one chunk per heavy module
// (heavy-modules.ts) that the startup bundle loads through sea-chunk-loader.ts on first import.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { HelpTable } from '../../src/cli/prebuilt-help.ts';
import { HEAVY_PACKAGE_PATTERN, HEAVY_SOURCE_MODULES, MAIN_BUNDLE_BUDGET_BYTES } from './heavy-modules.ts';

export interface BundleResult { main: string; chunks: { name: string; file: string }[]; mainBytes: number }

export interface BundleOptions {
  root: string;
  outDir: string;
  version: string;
  /** false: heavy modules stay in the startup bundle behind esbuild's lazy module init (for comparison). */
  split: boolean;
  /** `--help` rendered from the command definitions (see src/cli/prebuilt-help.ts). */
  help: HelpTable;
  /** Module exporting `main(argv)`; defaults to src/cli/main.ts. */
  entry?: string;
}

function baseOptions(o: BundleOptions): esbuild.BuildOptions {
  const here = path.join(o.root, 'scripts', 'release');
  const empty = path.join(here, 'empty-module.ts');
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minify: true,
    keepNames: true, // client-node and the CLI print class names (errors, `instanceof` fallbacks)
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: o.root,
    define: {
      'import.meta.url': 'import_meta_url',
      '__SQUIRRLY_VERSION__': JSON.stringify(o.version),
      '__SQUIRRLY_HELP__': JSON.stringify(o.help),
      // ws probes optional native addons; in the executable only builtins can be required.
      'process.env.WS_NO_BUFFER_UTIL': '"1"',
      'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
    },
    inject: [path.join(here, 'import-meta-shim.ts')],
    alias: { 'supports-color': empty, 'encoding': empty, 'supports-hyperlinks': path.join(here, 'no-hyperlinks.ts') },
  };
}

function chunkNameForPackage(spec: string): string {
  return 'pkg-' + spec.replace(/[^A-Za-z0-9]+/g, '_');
}

const ident = (i: number) => `e${i}`;

/** ESM stand-in for a heavy module: same export names, values read from the lazily loaded chunk. */
function stubSource(loader: string, chunk: string, names: readonly string[]): string {
  const lines = [`import { loadChunk } from ${JSON.stringify(loader)};`, `const m = loadChunk(${JSON.stringify(chunk)});`];
  names.forEach((n, i) => {
    lines.push(`const ${ident(i)} = m[${JSON.stringify(n)}];`, `export { ${ident(i)} as ${JSON.stringify(n)} };`);
  });
  return lines.join('\n');
}

export async function bundle(o: BundleOptions): Promise<BundleResult> {
  rmSync(o.outDir, { recursive: true, force: true });
  mkdirSync(path.join(o.outDir, 'chunks'), { recursive: true });
  const base = baseOptions(o);
  const loader = path.join(o.root, 'scripts', 'release', 'sea-chunk-loader.ts');
  const heavyByPath = new Map(Object.entries(HEAVY_SOURCE_MODULES).map(([name, rel]) => [path.join(o.root, rel), name]));
  const chunks = new Map<string, string>();

  async function buildChunk(name: string, importPath: string, resolveDir: string): Promise<string[]> {
    const file = path.join(o.outDir, 'chunks', `${name}.cjs`);
    if (!chunks.has(name)) {
      await esbuild.build({
        ...base,
        stdin: { contents: `import * as ns from ${JSON.stringify(importPath)};\nexport { ns };\n`, resolveDir, loader: 'js' },
        outfile: file,
      });
      chunks.set(name, file);
    }
    // The stub must list the export names; loading the chunk here is the exact answer.
    const ns = createRequire(import.meta.url)(file).ns as Record<string, unknown>;
    return Object.keys(ns).filter((k) => k !== '__esModule');
  }

  const splitPlugin: esbuild.Plugin = {
    name: 'squirrly-split',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === 'squirrly-chunk') return undefined;
        if (args.path.startsWith('.')) {
          const name = heavyByPath.get(path.resolve(args.resolveDir, args.path));
          if (name) return { path: name, namespace: 'squirrly-chunk', pluginData: { importPath: path.resolve(args.resolveDir, args.path), resolveDir: o.root } };
        } else if (args.kind === 'dynamic-import' && HEAVY_PACKAGE_PATTERN.test(args.path)) {
          return { path: chunkNameForPackage(args.path), namespace: 'squirrly-chunk', pluginData: { importPath: args.path, resolveDir: args.resolveDir } };
        }
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'squirrly-chunk' }, async (args) => {
        const { importPath, resolveDir } = args.pluginData as { importPath: string; resolveDir: string };
        const names = await buildChunk(args.path, importPath, resolveDir);
        return { contents: stubSource(loader, args.path, names), resolveDir: o.root, loader: 'js' };
      });
    },
  };

  const main = path.join(o.outDir, 'cli.cjs');
  const entry = o.entry ?? path.join(o.root, 'src', 'cli', 'main.ts');
  await esbuild.build({
    ...base,
    // Same start-up as bin/kubectl-squirrly.js; in a single executable argv[1] is the executable too.
    stdin: { contents: `import { main } from ${JSON.stringify(entry)};\nvoid main(process.argv.slice(2));\n`, resolveDir: o.root, loader: 'ts' },
    outfile: main,
    plugins: o.split ? [splitPlugin] : [],
  });
  const mainBytes = statSync(main).size;
  if (o.split && mainBytes > MAIN_BUNDLE_BUDGET_BYTES) {
    throw new Error(`startup bundle is ${mainBytes} bytes (budget ${MAIN_BUNDLE_BUDGET_BYTES}): a heavy library is imported outside the modules in scripts/release/heavy-modules.ts`);
  }
  return { main, chunks: [...chunks].map(([name, file]) => ({ name, file })), mainBytes };
}

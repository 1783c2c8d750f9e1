// `npm run build:binary`: the single self-contained kubectl-squirrly executable for this machine
// (or --platform <id> for another one; see scripts/release/runtimes.ts).
// usage: node scripts/build-binary.ts [--platform linux-x64] [--out dist/kubectl-squirrly] [--no-split]
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { COMMANDS } from '../src/cli/commands/index.ts';
import { GLOBAL_OPTIONS } from '../src/cli/global-options.ts';
import { helpTable } from '../src/cli/help.ts';
import { bundle } from './release/bundle.ts';
import { fetchRuntime } from './release/fetch-runtime.ts';
import { NODE_RUNTIME_VERSION, hostPlatform, platformById, type RuntimePlatform } from './release/runtimes.ts';
import { buildSea } from './release/sea.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export function defaultOutput(p: RuntimePlatform): string {
  const host = p.nodePlatform === process.platform && p.nodeArch === process.arch;
  return host ? path.join(ROOT, 'dist', p.exe) : path.join(ROOT, 'dist', p.id, p.exe);
}

export interface BuiltBinary { path: string; bytes: number; platform: RuntimePlatform; runtimeSource: string; stripped: boolean }

export async function buildBinary(opts: { platform?: RuntimePlatform; out?: string; split?: boolean; entry?: string; workDir?: string } = {}): Promise<BuiltBinary> {
  const platform = opts.platform ?? hostPlatform();
  const out = path.resolve(opts.out ?? defaultOutput(platform));
  const native = platform.nodePlatform === process.platform && platform.nodeArch === process.arch;
  const runtime = fetchRuntime(platform);
  // Blob and code caches must come from a node of exactly the pinned version that runs here.
  let generator = runtime.path;
  if (!native) {
    generator = process.version === `v${NODE_RUNTIME_VERSION}` ? process.execPath : fetchRuntime(hostPlatform()).path;
  }
  const workDir = opts.workDir ?? path.join(ROOT, 'dist', 'build', platform.id);
  mkdirSync(path.dirname(out), { recursive: true });
  const help = helpTable(COMMANDS, GLOBAL_OPTIONS);
  const b = await bundle({ root: ROOT, outDir: path.join(workDir, 'bundle'), version: packageVersion(), help, split: opts.split ?? true, ...(opts.entry ? { entry: opts.entry } : {}) });
  buildSea({ root: ROOT, bundle: b, workDir, platform, runtime: runtime.path, generator, native, out });
  return { path: out, bytes: statSync(out).size, platform, runtimeSource: runtime.source, stripped: runtime.stripped };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { platform: { type: 'string' }, out: { type: 'string' }, 'no-split': { type: 'boolean' } } });
  const built = await buildBinary({
    ...(values.platform ? { platform: platformById(values.platform) } : {}),
    ...(values.out ? { out: values.out } : {}),
    split: !values['no-split'],
  });
  const mb = (built.bytes / 1e6).toFixed(1);
  process.stdout.write(`${path.relative(process.cwd(), built.path)}: ${mb} MB, ${built.platform.id}, runtime ${built.runtimeSource}${built.stripped ? ' (stripped)' : ''}\n`);
}

// The version users see. Release builds bake it in (esbuild define from package.json); running
// from the sources reads package.json, so there is a single place to bump it.
import { readFileSync } from 'node:fs';

declare const __SQUIRRLY_VERSION__: string | undefined;

function fromPackageJson(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no version');
  return pkg.version;
}

export const VERSION: string = typeof __SQUIRRLY_VERSION__ === 'string' ? __SQUIRRLY_VERSION__ : fromPackageJson();

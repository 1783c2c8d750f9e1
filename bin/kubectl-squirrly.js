#!/usr/bin/env node
// Development entry point (`npm link`): Node 24 runs the TypeScript sources directly.
// Releases ship the single executable built by `npm run build:binary` instead.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(`error: kubectl-squirrly from source needs Node.js 24 or newer (this is ${process.version})\n` +
    'hint: use the release binary (no Node needed), or run it through npm (npm run …) which brings Node 24\n');
  process.exit(1);
}
import('../src/cli/main.ts').then((m) => m.main(process.argv.slice(2)));

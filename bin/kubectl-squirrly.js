#!/usr/bin/env node
// Development entry point (`npm link`): Node 24 runs the TypeScript sources directly.
// Releases ship the single executable built by `npm run build:binary` instead.
import('../src/cli/main.ts').then((m) => m.main(process.argv.slice(2)));

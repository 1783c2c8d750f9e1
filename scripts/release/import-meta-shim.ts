// Injected into the CommonJS bundles: ESM code (ours and dependencies) reads import.meta.url, e.g. for
// createRequire(import.meta.url), which esbuild would otherwise leave undefined. In a single
// executable __filename is process.execPath, so the URL stays valid.
export const import_meta_url = require('node:url').pathToFileURL(__filename).href;

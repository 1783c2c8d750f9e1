// Modules kept out of the startup bundle. Each becomes its own chunk, loaded at its first import.
// The project imports these libraries only through the one-line re-export modules listed here
// (tree-shaking a whole-package dynamic import would pull in all of client-node).
export const HEAVY_SOURCE_MODULES: Readonly<Record<string, string>> = {
  'client-node': 'src/kube/client-node.ts',
  'openai': 'src/analysis/openai-sdk.ts',
  'markdown': 'src/cli/render/markdown-libs.ts',
};

/** Bare packages that become chunks when imported dynamically (e.g. a tokenizer's multi-MB rank tables). */
export const HEAVY_PACKAGE_PATTERN = /^js-tiktoken(\/|$)/;

/** Startup bundle budget: exceeding it means a heavy library is imported statically somewhere. */
export const MAIN_BUNDLE_BUDGET_BYTES = 1_000_000;

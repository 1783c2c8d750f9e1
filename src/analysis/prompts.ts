// Prompt templates: one per profiling mode plus the system prompt, shipped in prompts/ and inside the binary.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ExitCode, SquirrlyError } from '../errors.ts';
import type { ProfilingMode } from '../flamegraph/types.ts';

export type PromptFile = 'system.md' | 'cpu.md' | 'alloc.md' | 'lock.md' | 'wall.md' | 'diff.md';

/**
 * The one place that reads a bundled prompt. In the single executable the prompts are SEA assets named
 * `prompts/<file>` (the binary build adds them); from a checkout they are files in the repo's prompts/.
 */
export function readBundledPrompt(file: PromptFile): string {
  let sea: typeof import('node:sea') | undefined;
  try {
    sea = createRequire(import.meta.url)('node:sea') as typeof import('node:sea');
  } catch {
    // node:sea missing: not a single executable
  }
  if (sea?.isSea()) return sea.getAsset(`prompts/${file}`, 'utf8');
  return readFileSync(new URL(`../../prompts/${file}`, import.meta.url), 'utf8');
}

export function promptFileForMode(mode: ProfilingMode | 'UNKNOWN'): PromptFile {
  switch (mode) {
    case 'ALLOC':
      return 'alloc.md';
    case 'LOCK':
      return 'lock.md';
    case 'WALL':
      return 'wall.md';
    default:
      return 'cpu.md';
  }
}

export function loadPromptTemplate(mode: ProfilingMode | 'UNKNOWN'): string {
  return readBundledPrompt(promptFileForMode(mode));
}

/** The template for a comparison of two runs (`diff`), whatever the mode. */
export function loadDiffPromptTemplate(): string {
  return readBundledPrompt('diff.md');
}

export function loadSystemPrompt(): string {
  return readBundledPrompt('system.md');
}

/** A user prompt from `--prompt-file` / ANALYSIS_PROMPT_FILE; it replaces the mode template. */
export function loadPromptFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new SquirrlyError(`prompt file ${path} not found`, {
      hint: 'check --prompt-file or ANALYSIS_PROMPT_FILE; omit both to use the built-in prompt for the profiling mode',
      exitCode: ExitCode.usage,
    });
  }
}

export interface PromptVars {
  mode: string;
  targets: string;
  summary: string;
  findings: string;
  /** the comparison with an earlier run, when `diff` asks */
  diff?: string;
}

/**
 * Fills `{{name}}` placeholders; unknown ones stay as written. A template without `{{summary}}` (like the
 * old Job's prompt.md, which had the raw HTML appended) gets the summary and findings appended instead.
 */
export function renderPrompt(template: string, vars: PromptVars): string {
  let withData = template.includes('{{summary}}')
    ? template
    : `${template.trimEnd()}\n\n## Profile summary\n{{summary}}\n\n## Builtin findings\n{{findings}}\n`;
  // a --prompt-file written for one profile still gets the comparison when diff asks for one
  if (vars.diff !== undefined && vars.diff !== '' && !withData.includes('{{diff}}')) withData = `${withData.trimEnd()}\n\n## Comparison with the earlier run\n{{diff}}\n`;
  return withData.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    Object.hasOwn(vars, name) ? (vars[name as keyof PromptVars] ?? '') : whole,
  );
}

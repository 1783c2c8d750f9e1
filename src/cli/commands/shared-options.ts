// Flags and arguments that several commands share, defined once: the deployment, --via, the
// Flink REST TLS flags, --output-dir, --search-dirs and the analysis flags.
import type { ProviderName } from '../../analysis/select-provider.ts';
import type { RestTlsFlags } from '../../flink/rest-tls.ts';
import type { AnalysisSettings } from '../../workflow/analysis-step.ts';
import type { RestVia } from '../../workflow/rest-transport.ts';
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../../errors.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../flamegraph/export/formats.ts';
import { choiceOption, flagOption, textOption, type ListOption, type PositionalArgument, type StringOption } from '../options.ts';
import { DEFAULT_MAX_ARTIFACT_BYTES } from '../../workflow/artifact-limits.ts';
import { parseByteSize } from '../byte-size.ts';
import { unreadableReason } from '../../flamegraph/input-file.ts';
import { resolveDeploymentName, resolveOutputDir, resolveSearchDirs } from '../settings.ts';

export const deploymentArgument: PositionalArgument<string | undefined> = {
  kind: 'positional',
  usage: '[deployment]',
  max: 1,
  describe: 'FlinkDeployment name (also flinkdep/NAME, flinksessionjob/NAME); default FLINK_DEPLOYMENT_NAME',
  parse: (raw, env) => resolveDeploymentName(raw[0], env),
};

/** Local flame graph files (analyze, export): each must exist and not be a folder. */
export function flameGraphFilesArgument(describe: string): PositionalArgument<string[]> {
  return {
    kind: 'positional',
    usage: '<files..>',
    max: Number.POSITIVE_INFINITY,
    describe,
    parse(raw) {
      if (raw.length === 0) throw new UsageError('no flame graph given', 'pass one or more .html files written by Flink\'s profiler');
      for (const file of raw) {
        if (!existsSync(file)) throw new UsageError(`${file} does not exist`, 'pass the path of a flame graph .html file');
        const info = statSync(file);
        if (info.isDirectory()) throw new UsageError(`${file} is a folder`, `pass the flame graphs inside it, e.g. ${file.replace(/\/+$/, '')}/*.html`);
        // a device would never end and a FIFO would block: refused from the stat, before any open
        const unreadable = unreadableReason(info);
        if (unreadable) throw new UsageError(`${file} ${unreadable}`, 'pass a flame graph .html file written by Flink\'s profiler');
      }
      return raw;
    },
  };
}

/** Formats from a list of words, each possibly comma-separated (`--export pprof,speedscope`). */
export function exportFormats(words: readonly string[], flag: string): ExportFormat[] {
  const out: ExportFormat[] = [];
  for (const word of words.flatMap((w) => w.split(','))) {
    const format = EXPORT_FORMATS.find((f) => f === word.trim());
    if (format === undefined) {
      // --export takes every word after it: a deployment named after it lands here
      const order = flag === '--export' ? ` (put the deployment before ${flag})` : '';
      throw new UsageError(`${flag} ${JSON.stringify(word)} is not one of ${EXPORT_FORMATS.join(', ')}`, `e.g. ${flag} pprof or ${flag} pprof,speedscope${order}`);
    }
    if (!out.includes(format)) out.push(format);
  }
  return out;
}

/** profile / artifacts: --export pprof,speedscope after saving. */
export const exportOption: ListOption<ExportFormat[]> = {
  kind: 'list',
  value: 'FORMAT',
  choices: EXPORT_FORMATS,
  describe: `also write each saved flame graph as ${EXPORT_FORMATS.join(', ')} (repeatable, or comma-separated)`,
  parse: (raw, _env, flag) => exportFormats(raw, flag),
};

const VIAS = ['port-forward', 'proxy', 'direct'] as const satisfies readonly RestVia[];

export const viaOption = choiceOption(VIAS, {
  value: 'WAY',
  default: 'port-forward',
  describe: 'how to reach the Flink REST API: port-forward to the JobManager (pods/portforward), proxy: the API server\'s service proxy to <name>-rest (services/proxy), or direct: <name>-rest.<namespace>.svc from inside the cluster',
});

/** Named like kubectl's own TLS flags, for the JobManager's REST API instead of the API server. */
export const flinkTlsOptions = {
  flinkCaFile: textOption({ value: 'FILE', describe: "CA of the Flink REST API's certificate; TLS is spoken when the deployment sets security.ssl.rest.enabled or any --flink-* TLS flag is given" }),
  flinkInsecureSkipTlsVerify: flagOption({ default: false, describe: "speak TLS to the Flink REST API without checking its certificate (insecure)" }),
  flinkClientCert: textOption({ value: 'FILE', describe: 'client certificate for Flink REST mutual TLS (security.ssl.rest.authentication-enabled), with --flink-client-key' }),
  flinkClientKey: textOption({ value: 'FILE', describe: 'private key of --flink-client-cert' }),
  flinkTlsServerName: textOption({ value: 'NAME', describe: "name to check the Flink REST certificate against (default the <name>-rest service's DNS names)" }),
};

/** The TLS flags' values as the Flink session takes them. */
export function flinkTlsFlags(a: { flinkCaFile: string | undefined; flinkInsecureSkipTlsVerify: boolean; flinkClientCert: string | undefined; flinkClientKey: string | undefined; flinkTlsServerName: string | undefined }): RestTlsFlags {
  return {
    ...(a.flinkCaFile !== undefined ? { caFile: a.flinkCaFile } : {}),
    ...(a.flinkInsecureSkipTlsVerify ? { insecureSkipVerify: true } : {}),
    ...(a.flinkClientCert !== undefined ? { clientCert: a.flinkClientCert } : {}),
    ...(a.flinkClientKey !== undefined ? { clientKey: a.flinkClientKey } : {}),
    ...(a.flinkTlsServerName !== undefined ? { serverName: a.flinkTlsServerName } : {}),
  };
}

export function outputDirOption(what: string): StringOption<string> {
  return { kind: 'string', value: 'DIR', describe: `where ${what} land, under <namespace>/<deployment>/ (default ./squirrly-artifacts)`, parse: (raw) => resolveOutputDir(raw, './squirrly-artifacts') };
}

export const maxArtifactSizeOption: StringOption<number> = {
  kind: 'string',
  value: 'SIZE',
  describe: 'largest flame graph to download, e.g. 512Mi, 4Gi; a bigger or endless one stops there (default 1Gi)',
  parse: (raw, _env, flag) => (raw === undefined ? DEFAULT_MAX_ARTIFACT_BYTES : parseByteSize(raw, flag)),
};

export function searchDirsOption(what: string): StringOption<string[]> {
  return {
    kind: 'string',
    value: 'DIRS',
    describe: `${what} (default PROFILER_OUTPUT_DIR, then "/tmp /opt/flink/log /opt/flink")`,
    parse: (raw, env) => resolveSearchDirs(raw, env),
  };
}

const PROVIDERS = ['openai', 'builtin', 'none'] as const satisfies readonly ProviderName[];
// every provider is offered: this fails to compile when one is added but not listed
const everyProvider: Exclude<ProviderName, (typeof PROVIDERS)[number]> extends never ? true : never = true;
void everyProvider;

export const analysisOptions = {
  provider: choiceOption(PROVIDERS, { value: 'NAME', describe: 'analysis: openai (any OpenAI-compatible endpoint), builtin (offline rules) or none (default API_PROVIDER, then openai when OPENAI_API_KEY is set, else builtin)' }),
  model: textOption({ value: 'NAME', describe: 'model for the openai provider (default gpt-4o-mini)' }),
  baseUrl: textOption({ value: 'URL', describe: 'OpenAI-compatible endpoint, e.g. Ollama, vLLM, LM Studio or Azure OpenAI (default OPENAI_BASE_URL)' }),
  promptFile: textOption({ value: 'FILE', describe: 'prompt template instead of the built-in one (default ANALYSIS_PROMPT_FILE)' }),
  redact: flagOption({ default: false, describe: 'replace your package and class names with placeholders before sending, restore them in the answer' }),
};

/** The analysis flags' values as the analysis step takes them. */
export function analysisSettings(a: { provider: ProviderName | undefined; model: string | undefined; baseUrl: string | undefined; promptFile: string | undefined; redact: boolean }): AnalysisSettings {
  return {
    ...(a.provider ? { provider: a.provider } : {}),
    ...(a.model !== undefined ? { model: a.model } : {}),
    ...(a.baseUrl !== undefined ? { baseUrl: a.baseUrl } : {}),
    ...(a.promptFile !== undefined ? { promptFile: a.promptFile } : {}),
    redact: a.redact,
  };
}

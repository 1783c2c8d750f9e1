// --push on profile and artifacts: each saved run sent to Pyroscope after it is on disk. The local
// files are kept whatever happens; a failed push is one line on stderr and exit code 4.
import path from 'node:path';
import type { SavedRun, RunPushResult } from '../workflow/push-run.ts';
import type { CommandContext } from './context.ts';
import { PUSH_ENV, type PushTarget } from './push-options.ts';
import type { ProgressRenderer } from './render/progress.ts';

export interface PushReport {
  result: RunPushResult | null;
  failed: boolean;
}

export const NO_PUSH: PushReport = { result: null, failed: false };

export interface PushSettings {
  target: PushTarget | undefined;
  tenant: string | undefined;
}

export async function pushSaved(ctx: CommandContext, run: SavedRun, settings: PushSettings, progress: ProgressRenderer): Promise<PushReport> {
  const { target, tenant } = settings;
  if (target === undefined || run.flameGraphs.length === 0) return NO_PUSH;
  const [{ PyroscopeIngestClient }, { pushSavedRun }, { proxyEnvironment, proxyForUrl }, { trustSystemCertificates }] = await Promise.all([
    import('../pyroscope/ingest-client.ts'),
    import('../workflow/push-run.ts'),
    import('../kube/proxy-for-url.ts'),
    import('../kube/trust-store.ts'),
  ]);
  // the same roots and proxy rules as every other outbound request of the plugin
  trustSystemCertificates();
  let proxy: URL | undefined;
  try {
    proxy = proxyForUrl(target.url, proxyEnvironment(ctx.env));
  } catch {
    proxy = undefined; // HTTP_PROXY under CGI is ignored, as Go does
  }
  const client = new PyroscopeIngestClient({
    url: target.url,
    ...(target.auth ? { auth: target.auth } : {}),
    ...(tenant ? { tenant } : {}),
    ...(proxy ? { proxy } : {}),
    onRetry: (attempt, reason) => progress.emit({ type: 'retry', what: `push to ${client.where}`, attempt, reason }),
  });
  let result: RunPushResult;
  try {
    result = await pushSavedRun(client, run, progress.emit, ctx.signal);
  } finally {
    await client.close().catch(() => undefined);
  }
  const { chalk } = ctx;
  if (result.failed) {
    const { failure, notTried } = result.failed;
    const rest = notTried > 0 ? `, ${notTried} not tried` : '';
    const kept = `${result.pushed.length} of ${run.flameGraphs.length} pushed${rest}; the local files are kept`;
    ctx.stderr.write(`${chalk.red('error:')} push of ${path.basename(result.failed.path)} failed: ${failure.message} (${kept})\n`);
    ctx.stderr.write(`  ${chalk.yellow('hint:')} ${failure.hint ?? pushHint(failure.message, run)}\n`);
  }
  if (ctx.options.output === 'text' && result.pushed.length > 0) {
    const samples = result.pushed.reduce((n, p) => n + p.samples, 0);
    ctx.stdout.write(`  ${chalk.dim('pushed:')} ${result.pushed.length} flame graph(s), ${samples} samples to ${result.where} as service_name="${run.namespace}/${run.deployment}"${tenant ? ` (tenant ${tenant})` : ''}\n`);
  }
  return { result, failed: result.failed !== undefined };
}

/** What to do about a failed push, from the answer it got. */
function pushHint(message: string, run: SavedRun): string {
  if (/HTTP 40[13]\b/.test(message)) return `check ${PUSH_ENV.token}, or ${PUSH_ENV.username} and ${PUSH_ENV.password}, and --push-tenant`;
  if (/HTTP 40[45]\b/.test(message)) return 'check the --push URL: it is the server\'s base URL, e.g. http://pyroscope:4040';
  // the window comes from Flink's trigger time: a JobManager clock far off the store's lands outside
  if (message.includes('outside of ingestion window')) return 'the run\'s time (Flink\'s trigger time) is outside what the store takes: check the JobManager\'s and the store\'s clocks';
  if (/HTTP 4\d\d\b/.test(message)) return 'the store refused this profile for the reason above; the local files are kept for another try';
  return `push the saved run again later with: kubectl squirrly artifacts ${run.deployment} -n ${run.namespace} --latest --push URL`;
}

/** The `push` object of the -o json documents. */
export function pushJson(report: PushReport): object | null {
  const { result } = report;
  if (result === null) return null;
  return {
    url: result.where,
    pushed: result.pushed.map((p) => ({ source: p.path, target: p.target, labels: p.labels, from: p.fromSeconds, until: p.untilSeconds, samples: p.samples })),
    failed: result.failed ? { source: result.failed.path, target: result.failed.target, message: result.failed.failure.message, hint: result.failed.failure.hint ?? null, notTried: result.failed.notTried } : null,
  };
}

// `kubectl squirrly doctor <deployment>`: one line per check, the fix under each failure, the Role
// for missing permissions; exit 0 when everything `profile` needs passed.
import { ExitCode, InterruptedError } from '../../errors.ts';
import type { CheckStatus } from '../../workflow/events.ts';
import type { DoctorReport } from '../../workflow/doctor.ts';
import { defineCommand } from '../command.ts';
import type { CommandContext } from '../context.ts';
import { escapedFields } from '../render/untrusted.ts';
import { deploymentArgument, flinkTlsFlags, flinkTlsOptions, viaOption } from './shared-options.ts';

export const doctorCommand = defineCommand({
  name: 'doctor',
  summary: 'preflight: check what profiling needs and say how to fix what is missing',
  options: { deployment: deploymentArgument, via: viaOption, ...flinkTlsOptions },
  examples: [['doctor sample-job', 'check access, the deployment, Flink and the profiler routes']],
  async run(ctx, args) {
    const { runDoctor } = await import('../../workflow/doctor.ts');
    const { deployment, via } = args;
    const progress = await ctx.progress();
    let report: DoctorReport;
    try {
      report = await untilInterrupted(ctx.signal, runDoctor({ ...(deployment ? { deployment } : {}), connect: () => ctx.connect(), env: ctx.env, via, tls: flinkTlsFlags(args) }, progress.emit));
    } finally {
      progress.stop();
    }
    if (ctx.options.output === 'json') ctx.stdout.write(JSON.stringify(toJson(report), null, 2) + '\n');
    else printText(ctx, { ...escapedFields(report), ...(report.role ? { role: report.role } : {}) }, via === 'port-forward' ? '' : ` --via ${via}`);
    return report.ok ? ExitCode.ok : ExitCode.failure;
  },
});

/** The `-o json` document: { ok, deployment, namespace, context, checks: [{id, title, status, detail, fix}], role }. */
export function toJson(report: DoctorReport): object {
  return {
    ok: report.ok,
    deployment: report.deployment ?? null,
    namespace: report.namespace ?? null,
    context: report.context ?? null,
    checks: report.checks.map((c) => ({ id: c.id, title: c.title, status: c.status, detail: c.detail, fix: c.fix ?? null })),
    role: report.role ? { yaml: report.role.yaml, bind: report.role.bind } : null,
  };
}

function printText(ctx: CommandContext, report: DoctorReport, viaFlag: string): void {
  const { chalk, stdout } = ctx;
  const symbol: Record<CheckStatus, string> = { pass: chalk.green('✔'), warn: chalk.yellow('!'), fail: chalk.red('✗'), skip: chalk.dim('-') };
  const width = Math.max(...report.checks.map((c) => c.title.length));
  for (const c of report.checks) {
    const detail = c.status === 'skip' ? chalk.dim(`skipped: ${c.detail}`) : c.detail;
    stdout.write(`${symbol[c.status]} ${c.title.padEnd(width)}  ${detail}\n`);
    if (c.fix && c.status !== 'pass') stdout.write(`  ${' '.repeat(width)}  ${chalk.yellow('fix:')} ${c.fix}\n`);
  }
  if (report.role) {
    stdout.write(`\nA Role that grants what is missing (ask a cluster admin to apply it, then bind it):\n\n${report.role.yaml}\n${report.role.bind}\n`);
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  stdout.write(
    failed > 0
      ? `\n${chalk.red(`${failed} check(s) failed`)}: profile will not work until they are fixed.\n`
      : `\n${chalk.green('ready to profile')}${warned ? ` (${warned} warning(s))` : ''}${report.deployment ? `: kubectl squirrly profile ${report.deployment} -n ${report.namespace}${viaFlag}` : ''}\n`,
  );
}

/** The checks do not watch the signal: Ctrl-C stops waiting for them (the process then exits). */
function untilInterrupted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(new InterruptedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new InterruptedError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

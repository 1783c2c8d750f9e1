// `kubectl squirrly monitor install|status|uninstall <deployment>`: a CronJob that runs `profile`
// inside the cluster on a schedule, with its own ServiceAccount and least-privilege Role.
// install prints the manifests (for `| kubectl apply -f -`) or, with --apply, applies them.
import { ExitCode, UsageError } from '../../errors.ts';
import { PROFILING_MODES } from '../../flamegraph/types.ts';
import type { Cluster } from '../../kube/cluster.ts';
import type { MonitorSettings } from '../../workflow/monitor-plan.ts';
import { defineCommand } from '../command.ts';
import type { CommandContext } from '../context.ts';
import { flagOption, repeatedOption, textOption, type PositionalArgument } from '../options.ts';
import { renderMonitorStatus, monitorStatusJson } from '../render/monitor-status.ts';
import { resolveDuration } from '../settings.ts';
import { analysisOptions, viaOption } from './shared-options.ts';
import { parseDeploymentRef } from '../../workflow/resolve-deployment.ts';
import { cronScheduleProblem } from '../../text/cron-schedule.ts';
import { isImageReference, isPinnedImage } from '../../text/image-reference.ts';
import { isKubernetesName } from '../../text/kubernetes-name.ts';
import { quoted } from '../../text/visible.ts';

const ACTIONS = ['install', 'status', 'uninstall'] as const;
type Action = (typeof ACTIONS)[number];

/** A label value is at most 63 characters: the deployment's name is one. */
const MAX_MONITORED_NAME = 63;

const actionAndDeployment: PositionalArgument<{ action: Action; deployment?: string; sessionJob: boolean; ref?: string }> = {
  kind: 'positional',
  usage: '<install|status|uninstall> [deployment]',
  max: 2,
  describe: 'what to do, and the FlinkDeployment (NAME, flinkdep/NAME or flinksessionjob/NAME); status without one lists every monitor in the namespace',
  parse(raw) {
    const [word, ref] = raw;
    const action = ACTIONS.find((a) => a === word);
    if (action === undefined) throw new UsageError(word === undefined ? 'monitor needs what to do' : `unknown monitor action ${quoted(word)}`, `use one of: ${ACTIONS.map((a) => `monitor ${a}`).join(', ')}`);
    if (ref === undefined) {
      if (action !== 'status') throw new UsageError(`monitor ${action} needs the FlinkDeployment`, `e.g. kubectl squirrly monitor ${action} sample-job`);
      return { action, sessionJob: false };
    }
    const parsed = parseDeploymentRef(ref);
    if (parsed.name.length > MAX_MONITORED_NAME) throw new UsageError(`${quoted(parsed.name)} is ${parsed.name.length} characters; the monitor labels its objects with the name, at most ${MAX_MONITORED_NAME}`);
    return { action, deployment: parsed.name, sessionJob: parsed.kind === 'sessionjob', ref };
  },
};

const installOnly = {
  schedule: textOption({ value: 'CRON', describe: 'install: when to profile, five cron fields, e.g. "0 * * * *" (or @hourly, @daily), in the controller\'s time zone unless --time-zone' }),
  timeZone: textOption({ value: 'ZONE', describe: 'install: the time zone of --schedule, e.g. Europe/Berlin (the CronJob\'s spec.timeZone)' }),
  image: textOption({ value: 'IMAGE', describe: 'install: the plugin\'s image (npm run build:image), best pinned by tag or digest' }),
  secret: textOption({ value: 'NAME', describe: 'install: a Secret in the namespace whose keys become the container\'s environment (OPENAI_API_KEY, push credentials); never put them in flags' }),
  push: textOption({ value: 'URL', describe: 'install: push every run to this Pyroscope URL; without it the flame graphs vanish with the pod and only the job log keeps the summary' }),
  pushTenant: textOption({ value: 'TENANT', describe: 'install: profile --push-tenant (X-Scope-OrgID of a multi-tenant Pyroscope)' }),
  apply: flagOption({ default: false, describe: 'install: apply the objects with server-side apply instead of printing them' }),
  type: textOption({ value: 'MODE', short: 't', describe: `install: profile --type (${PROFILING_MODES.join(', ')})` }),
  duration: textOption({ value: 'SECONDS', short: 'd', describe: 'install: profile --duration (default 60)' }),
  taskmanager: repeatedOption({ value: 'ID|POD', describe: 'install: profile --taskmanager (repeatable)' }),
  jobmanager: flagOption({ default: false, describe: 'install: profile --jobmanager' }),
  via: viaOption,
  analysis: flagOption({ default: true, negatable: true, describe: 'install: profile --no-analysis' }),
  provider: analysisOptions.provider,
  model: analysisOptions.model,
  baseUrl: analysisOptions.baseUrl,
  redact: analysisOptions.redact,
};

export const monitorCommand = defineCommand({
  name: 'monitor',
  summary: 'profile a FlinkDeployment on a schedule from inside the cluster: install, status, uninstall',
  options: { target: actionAndDeployment, ...installOnly },
  examples: [
    ['monitor install sample-job --schedule "0 * * * *" --image ghcr.io/acme/kubectl-squirrly:0.1.0 --push https://pyroscope.example:4040 | kubectl apply -f -', 'print the monitor\'s objects and apply them with kubectl'],
    ['monitor install sample-job --schedule @daily --image IMAGE --secret squirrly-keys --apply', 'apply them directly (server-side apply)'],
    ['monitor status', 'every monitor in the namespace and its recent runs'],
    ['monitor uninstall sample-job', 'remove what install created'],
  ],
  async run(ctx, args) {
    const { action, deployment, sessionJob, ref } = args.target;
    if (action !== 'install') refuseInstallFlags(action, args);
    const cluster = await ctx.connect();
    if (action === 'install') return install(ctx, cluster, settingsFrom(args, { deployment: deployment!, sessionJob, ref: ref!, namespace: cluster.namespace }), args.apply);
    if (action === 'status') {
      const { monitorStatus } = await import('../../workflow/monitor-status.ts');
      const status = await monitorStatus(cluster, deployment);
      if (ctx.options.output === 'json') ctx.stdout.write(JSON.stringify(monitorStatusJson(status, cluster.namespace), null, 2) + '\n');
      else ctx.stdout.write(renderMonitorStatus(status, { namespace: cluster.namespace, chalk: ctx.chalk, ...(deployment ? { deployment } : {}) }));
      return ExitCode.ok;
    }
    const { uninstallMonitor } = await import('../../workflow/monitor-uninstall.ts');
    const json = ctx.options.output === 'json';
    const deleted = await uninstallMonitor(cluster, deployment!, (d) => {
      if (!json) ctx.stdout.write(`${d.kind.toLowerCase()}/${d.name} ${d.deleted ? 'deleted' : 'already gone'}\n`);
    });
    if (json) ctx.stdout.write(JSON.stringify({ deployment, namespace: cluster.namespace, deleted: deleted.map((d) => ({ kind: d.kind, name: d.name, deleted: d.deleted })) }, null, 2) + '\n');
    else if (deleted.length === 0) ctx.stdout.write(`no monitor for ${deployment} in namespace ${cluster.namespace}: nothing to remove\n`);
    return ExitCode.ok;
  },
});

type MonitorArgs = { [K in keyof typeof installOnly]: ReturnType<(typeof installOnly)[K]['parse']> };

function refuseInstallFlags(action: Action, args: MonitorArgs): void {
  const given = (['schedule', 'timeZone', 'image', 'secret', 'push', 'pushTenant', 'type', 'duration', 'model', 'baseUrl', 'provider'] as const).find((k) => args[k] !== undefined);
  const flag = given ?? (args.apply ? 'apply' : args.jobmanager ? 'jobmanager' : args.taskmanager.length > 0 ? 'taskmanager' : undefined);
  if (flag !== undefined) throw new UsageError(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} belongs to monitor install, not monitor ${action}`, `see: kubectl squirrly monitor --help`);
}

/** Every install flag checked before anything is printed or applied. */
function settingsFrom(args: MonitorArgs, target: { deployment: string; sessionJob: boolean; ref: string; namespace: string }): MonitorSettings {
  const { schedule, image } = args;
  if (schedule === undefined) throw new UsageError('monitor install needs --schedule', 'e.g. --schedule "0 * * * *" (hourly) or --schedule @daily');
  const cron = cronScheduleProblem(schedule);
  if (cron) throw new UsageError(`--schedule ${quoted(schedule)} is not a cron schedule: ${cron}`, 'five fields: minute hour day-of-month month day-of-week, e.g. "*/30 * * * *"');
  if (args.timeZone !== undefined && !isTimeZone(args.timeZone)) throw new UsageError(`--time-zone ${quoted(args.timeZone)} is not a time zone name`, 'a name of the tz database, e.g. --time-zone Europe/Berlin or --time-zone UTC');
  if (image === undefined) throw new UsageError('monitor install needs --image', 'the plugin\'s image, e.g. --image ghcr.io/acme/kubectl-squirrly:0.1.0 (npm run build:image builds one)');
  if (!isImageReference(image)) throw new UsageError(`--image ${quoted(image)} is not an image reference`, 'e.g. registry.example.com/team/kubectl-squirrly:0.1.0 or ...@sha256:<digest>');
  if (args.secret !== undefined && !isKubernetesName(args.secret)) throw new UsageError(`--secret ${quoted(args.secret)} is not a Secret name`, 'the name shown by: kubectl get secrets');
  if (args.provider === 'openai' && args.secret === undefined) throw new UsageError('--provider openai needs the API key from a Secret', 'kubectl create secret generic squirrly-keys --from-literal=OPENAI_API_KEY=...; then --secret squirrly-keys');
  if (args.push !== undefined) checkPushUrl(args.push);
  if (args.pushTenant !== undefined && args.push === undefined) throw new UsageError('--push-tenant needs --push', 'e.g. --push https://pyroscope.example:4040 --push-tenant team-a');
  if (args.pushTenant !== undefined && !/^[\x21-\x7e]{1,150}$/.test(args.pushTenant)) throw new UsageError(`--push-tenant ${quoted(args.pushTenant)} is not a tenant id`, 'printable characters without spaces, e.g. --push-tenant team-a');
  if (args.type !== undefined && !(PROFILING_MODES as readonly string[]).includes(args.type.toUpperCase())) throw new UsageError(`--type ${quoted(args.type)} is not one of ${PROFILING_MODES.join(', ')}`);
  const durationSeconds = resolveDuration(args.duration, {});
  const flags = [
    ...(args.type !== undefined ? ['--type', args.type.toUpperCase()] : []),
    ...(args.duration !== undefined ? ['--duration', String(durationSeconds)] : []),
    ...args.taskmanager.flatMap((t) => ['--taskmanager', t]),
    ...(args.jobmanager ? ['--jobmanager'] : []),
    ...(args.via !== 'port-forward' ? ['--via', args.via] : []),
    ...(args.analysis ? [] : ['--no-analysis']),
    ...(args.provider !== undefined ? ['--provider', args.provider] : []),
    ...(args.model !== undefined ? ['--model', args.model] : []),
    ...(args.baseUrl !== undefined ? ['--base-url', args.baseUrl] : []),
    ...(args.redact ? ['--redact'] : []),
    ...(args.pushTenant !== undefined ? ['--push-tenant', args.pushTenant] : []),
  ];
  return {
    deploymentRef: target.ref,
    deployment: target.deployment,
    sessionJob: target.sessionJob,
    namespace: target.namespace,
    schedule: schedule.trim(),
    ...(args.timeZone !== undefined ? { timeZone: args.timeZone } : {}),
    image,
    via: args.via,
    durationSeconds,
    profileFlags: flags,
    ...(args.push !== undefined ? { push: args.push } : {}),
    ...(args.secret !== undefined ? { secret: args.secret } : {}),
  };
}

/** A tz database name as the CronJob controller takes it; Node's ICU knows the same zones and links. */
function isTimeZone(zone: string): boolean {
  // an offset like +02:00 is accepted by ICU but not by the controller
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone) || zone.includes('..')) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The URL lands in the CronJob's args, which anyone who may read the CronJob sees: no credentials in it. */
function checkPushUrl(text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--push ${quoted(text)} is not a URL`, 'e.g. --push https://pyroscope.example:4040');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--push ${quoted(text)} is not an http(s) URL`, 'e.g. --push https://pyroscope.example:4040');
  if (url.username || url.password) throw new UsageError('--push carries credentials in the URL, which would be stored in the CronJob for anyone to read', 'put them in the Secret named by --secret and pass the URL without them');
}

/** `cluster` is only reached with --apply: printing needs the kubeconfig's namespace and nothing else. */
async function install(ctx: CommandContext, cluster: Cluster, settings: MonitorSettings, apply: boolean): Promise<number> {
  const { assembleMonitor } = await import('../../workflow/monitor-plan.ts');
  const plan = assembleMonitor(settings);
  const json = ctx.options.output === 'json';
  if (!settings.push) ctx.stderr.write('note: without --push the flame graphs are lost with each run\'s pod; only the job log (kubectl logs) keeps the summary and the analysis\n');
  if (!isPinnedImage(settings.image)) ctx.stderr.write(`note: --image ${settings.image} names no tag or digest, so each run may pull a different image\n`);
  if (!apply) {
    if (json) ctx.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: plan.objects }, null, 2) + '\n');
    else {
      const { manifestsYaml } = await import('../../kube/manifest-yaml.ts');
      ctx.stdout.write(await manifestsYaml(plan.objects));
    }
    return ExitCode.ok;
  }
  const { applyMonitor } = await import('../../workflow/monitor-apply.ts');
  const applied = await applyMonitor(cluster, plan, (a) => {
    if (!json) ctx.stdout.write(`${a.kind.toLowerCase()}/${a.name} ${a.outcome}\n`);
  });
  if (json) ctx.stdout.write(JSON.stringify({ deployment: settings.deployment, namespace: plan.namespace, applied }, null, 2) + '\n');
  else ctx.stdout.write(`\nkubectl squirrly monitor status ${settings.deployment} -n ${plan.namespace} shows its runs\n`);
  return ExitCode.ok;
}

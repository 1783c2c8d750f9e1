// `kubectl squirrly monitor` without a cluster to talk to: printing the manifests needs only the
// kubeconfig's namespace, and every install flag is checked before anything is printed.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadAllYaml } from '@kubernetes/client-node';
import { runCli } from '../support/cli.ts';

const IMAGE = 'registry.example/kubectl-squirrly:0.1.0';

describe('monitor install prints, and checks its flags first', () => {
  let dir: string;
  let kubeconfig: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-monitor-cli-'));
    kubeconfig = path.join(dir, 'config');
    // port 9 (discard) on loopback: any request would fail, so a passing print made none
    await writeFile(kubeconfig, [
      'apiVersion: v1', 'kind: Config',
      'clusters:', '- name: c', '  cluster:', '    server: https://127.0.0.1:9',
      'users:', '- name: u', '  user:', '    token: not-used',
      'contexts:', '- name: c', '  context:', '    cluster: c', '    user: u', '    namespace: payments',
      'current-context: c', '',
    ].join('\n'));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const monitor = (args: string[]) => runCli(['monitor', ...args], { env: { KUBECONFIG: kubeconfig } });

  it('YAML documents that read back as the -o json List, in the context\'s namespace', async () => {
    const args = ['install', 'sample-job', '--schedule', '0 * * * *', '--image', IMAGE, '--push', 'https://pyroscope.example:4040', '--push-tenant', 'team-a', '--type', 'alloc', '--taskmanager', 'tm-1', '--taskmanager', 'tm-2'];
    const yaml = await monitor(args);
    assert.equal(yaml.code, 0, yaml.stderr);
    const json = await monitor([...args, '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const list = JSON.parse(json.stdout);
    assert.equal(list.kind, 'List');
    // js-yaml builds its objects without Object.prototype: compare the data
    assert.deepEqual(JSON.parse(JSON.stringify(loadAllYaml(yaml.stdout))), list.items);
    const cronJob = list.items.find((o: { kind: string }) => o.kind === 'CronJob');
    assert.equal(cronJob.metadata.namespace, 'payments');
    assert.deepEqual(cronJob.spec.jobTemplate.spec.template.spec.containers[0].args, [
      'profile', 'sample-job', '-n', 'payments', '--output-dir', '/var/lib/squirrly/artifacts', '--type', 'ALLOC', '--taskmanager', 'tm-1', '--taskmanager', 'tm-2', '--push-tenant', 'team-a', '--push', 'https://pyroscope.example:4040',
    ]);
    assert.doesNotMatch(yaml.stderr, /without --push/);
  });

  it('says what is lost without --push, and -n picks the namespace', async () => {
    const result = await monitor(['install', 'sample-job', '--schedule', '@daily', '--time-zone', 'Europe/Berlin', '--image', IMAGE, '-n', 'other', '-o', 'json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).items.find((o: { kind: string }) => o.kind === 'CronJob').spec.timeZone, 'Europe/Berlin');
    assert.match(result.stderr, /without --push the flame graphs are lost/);
    assert.ok(JSON.parse(result.stdout).items.every((o: { metadata: { namespace: string } }) => o.metadata.namespace === 'other'));
  });

  it('refuses a bad schedule, image, push URL with credentials, a key flag without a Secret, and install flags on other actions (exit 2, nothing printed)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['install', 'sample-job', '--image', IMAGE], /needs --schedule/],
      [['install', 'sample-job', '--schedule', '0 * * *', '--image', IMAGE], /not a cron schedule: it has 4 field/],
      [['install', 'sample-job', '--schedule', '0 25 * * *', '--image', IMAGE], /hour "25"/],
      [['install', 'sample-job', '--schedule', '@hourly'], /needs --image/],
      [['install', 'sample-job', '--schedule', '@hourly', '--time-zone', 'Mars/Olympus', '--image', IMAGE], /not a time zone name/],
      [['install', 'sample-job', '--schedule', '@hourly', '--time-zone', '+02:00', '--image', IMAGE], /not a time zone name/],
      [['install', 'sample-job', '--schedule', '@hourly', '--image', 'Registry Example/x'], /not an image reference/],
      [['install', 'sample-job', '--schedule', '@hourly', '--image', IMAGE, '--push', 'https://user:secret@pyroscope.example'], /credentials in the URL/],
      [['install', 'sample-job', '--schedule', '@hourly', '--image', IMAGE, '--provider', 'openai'], /needs the API key from a Secret/],
      [['install', 'sample-job', '--schedule', '@hourly', '--image', IMAGE, '--push-tenant', 'a'], /--push-tenant needs --push/],
      [['install', 'sample-job', '--schedule', '@hourly', '--image', IMAGE, '--type', 'NOPE'], /--type "NOPE"/],
      [['install', 'Sample_Job', '--schedule', '@hourly', '--image', IMAGE], /not a valid FlinkDeployment name/],
      [['install', 'x'.repeat(64), '--schedule', '@hourly', '--image', IMAGE], /at most 63/],
      [['install', '--schedule', '@hourly', '--image', IMAGE], /needs the FlinkDeployment/],
      [['status', '--schedule', '@hourly'], /--schedule belongs to monitor install/],
      [['uninstall', 'sample-job', '--apply'], /--apply belongs to monitor install/],
      [['uninstall'], /needs the FlinkDeployment/],
      [['restart', 'sample-job'], /unknown monitor action/],
    ];
    for (const [args, expected] of cases) {
      const result = await monitor(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, expected, args.join(' '));
      assert.equal(result.stdout, '', args.join(' '));
    }
  });
});

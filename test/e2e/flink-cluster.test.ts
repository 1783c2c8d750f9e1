// The real-Flink launcher itself: it brings up a cluster whose TaskManagers carry the pod-like
// resource ids, runs the job, and leaves no process or folder behind, also when start-up fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRealFlink } from './flink-cluster.ts';

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a 1.20 cluster runs the job on TaskManagers named like native-mode pods, and stop() ends every JVM', async () => {
  const root = mkdtempSync(join(tmpdir(), 'launcher-'));
  const flink = await startRealFlink({
    flinkProfile: '1.20',
    jobManagerProfilingDir: join(root, 'jm'),
    taskManagers: [{ resourceId: 'sample-job-taskmanager-1-1', profilingDir: join(root, 'tm') }],
  });
  try {
    const tms = (await (await fetch(`${flink.restUrl}/taskmanagers`)).json()) as { taskmanagers: Array<{ id: string }> };
    assert.deepEqual(tms.taskmanagers.map((t) => t.id), ['sample-job-taskmanager-1-1']);
    const jobs = (await (await fetch(`${flink.restUrl}/jobs/overview`)).json()) as { jobs: Array<{ jid: string; name: string; state: string }> };
    assert.deepEqual(jobs.jobs.map((j) => [j.jid, j.name, j.state]), [[flink.jobId, 'squirrly-e2e-clicks', 'RUNNING']]);
    assert.match(flink.flinkVersion, /^1\.20\.\d+$/);
    assert.ok(flink.restUrl.startsWith('http://127.0.0.1:'));
  } finally {
    await flink.stop();
    rmSync(root, { recursive: true, force: true });
  }
  for (const p of flink.processes) assert.ok(!groupAlive(p.pid), `${p.name} still running`);
  assert.ok(!existsSync(flink.workDir), 'work folder removed');
});

/** pids whose command line mentions text (e.g. a cluster's work folder) */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('a JobManager that cannot bind its REST port fails startRealFlink with its log, and nothing is left running', async () => {
  const root = mkdtempSync(join(tmpdir(), 'launcher-fail-'));
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as AddressInfo).port;
  try {
    let message = '';
    await assert.rejects(
      startRealFlink({
        flinkProfile: '1.20',
        jobManagerProfilingDir: join(root, 'jm'),
        taskManagers: [{ resourceId: 'sample-job-taskmanager-1-1', profilingDir: join(root, 'tm') }],
        restPort: port,
      }),
      (err: Error) => {
        message = err.message;
        return true;
      },
    );
    assert.match(message, /jobmanager exited/);
    assert.match(message, /----- jobmanager \(/, 'the JobManager log tail is in the error');
    const workDir = /\((\S+)\/jobmanager\.log\)/.exec(message)?.[1];
    assert.ok(workDir !== undefined, message.slice(0, 500));
    assert.deepEqual(processesMentioning(workDir), []);
    assert.ok(!existsSync(workDir));
  } finally {
    blocker.close();
    rmSync(root, { recursive: true, force: true });
  }
});

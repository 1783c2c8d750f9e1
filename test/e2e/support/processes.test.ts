// The process guard: helpers started with startGroup must die with the node process that
// started them, even when it is killed with SIGKILL and no exit hook runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGroup } from './processes.ts';

/** pid > 0: that process; pid < 0: any process of that group */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out: ${what}`);
}

test('stop() ends the whole process group', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'group-'));
  try {
    // the shell's background child is in the same group and must go too
    const p = startGroup('sleeper', ['bash', '-c', 'sleep 300 & echo child=$!; wait'], { logFile: join(dir, 'log') });
    await waitUntil(() => /child=\d+/.test(readFileSync(p.logFile, 'utf8')), 'child started');
    const child = Number(/child=(\d+)/.exec(readFileSync(p.logFile, 'utf8'))?.[1]);
    assert.ok(alive(child));
    await p.stop(1000);
    assert.ok(p.hasExited());
    await waitUntil(() => !alive(child), 'background child gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a helper dies when the node process that started it is SIGKILLed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'guard-'));
  const script = `
    import { startGroup } from ${JSON.stringify(new URL('./processes.ts', import.meta.url).href)};
    const p = startGroup('sleeper', ['sleep', '300'], { logFile: ${JSON.stringify(join(dir, 'log'))} });
    console.log('pid=' + p.pid);
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const guardPid = await new Promise<number>((resolve, reject) => {
      parent.stdout.on('data', (chunk: Buffer) => {
        const m = /pid=(\d+)/.exec(chunk.toString());
        if (m?.[1] !== undefined) resolve(Number(m[1]));
      });
      parent.once('exit', () => reject(new Error('parent exited early')));
    });
    assert.ok(alive(-guardPid));
    parent.kill('SIGKILL');
    await waitUntil(() => !alive(-guardPid), 'the helper\'s whole group gone after the parent was killed');
  } finally {
    parent.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

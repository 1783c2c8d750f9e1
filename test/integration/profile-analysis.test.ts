// `profile` with an OpenAI-compatible provider: the plugin profiles the simulated cluster, then
// streams the model's answer (the real openai SDK against a local SSE server) and saves it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startScenario, type Scenario } from '../sim/scenario.ts';
import { runCli } from '../support/cli.ts';
import { startOpenAIServer, type OpenAIServer } from '../support/openai-server.ts';

const KEY = 'sk-test-profile-0123456789abcdef';

describe('profile streams an analysis from an OpenAI-compatible server', () => {
  let scenario: Scenario;
  let ai: OpenAIServer;
  let out: string;
  before(async () => {
    scenario = await startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 2 }] });
    ai = await startOpenAIServer({ fallback: { kind: 'stream', pieces: ['## Verdict\n', 'JSON parsing in ', 'EnrichOrders dominates.\n'] } });
    out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-ai-'));
  });
  after(async () => {
    await ai.close();
    await scenario.stop();
    await rm(out, { recursive: true, force: true });
  });

  it('sends the summaries (never the HTML), streams the answer and writes .analysis.md', async () => {
    const r = await runCli(['profile', 'sample-job', '-d', '1', '--output-dir', out, '--base-url', ai.baseUrl, '--model', 'test-model'], {
      env: { KUBECONFIG: scenario.kubeconfigPath, OPENAI_API_KEY: KEY },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Analysis \(openai, test-model\)/);
    assert.match(r.stdout, /## Verdict\nJSON parsing in EnrichOrders dominates\./);

    assert.equal(ai.requests.length, 1);
    const request = ai.requests[0]!;
    assert.equal(request.body?.model, 'test-model');
    assert.equal(request.body?.stream, true);
    assert.equal(request.headers.authorization, `Bearer ${KEY}`);
    const sent = request.raw;
    assert.ok(!sent.includes("f(0,0,"), 'no flame graph frames in the request');
    assert.ok(!sent.includes('<html'), 'no HTML in the request');
    assert.match(sent, /sample-job-taskmanager-1-1/);
    assert.match(sent, /sample-job-taskmanager-1-2/);

    const dir = path.join(out, 'squirrly', 'sample-job');
    const combined = readdirSync(dir).filter((f) => f.startsWith('combined-') && f.endsWith('.analysis.md'));
    assert.equal(combined.length, 1);
    assert.match(readFileSync(path.join(dir, combined[0]!), 'utf8'), /JSON parsing in EnrichOrders dominates\./);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.summary.json')).length, 2);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.collapsed')).length, 2);

    // every file written, the report in reports/ included
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    assert.ok(files.some((f) => f.includes(`${path.sep}reports${path.sep}`)));
    for (const text of [r.stdout, r.stderr, ...files.map((f) => readFileSync(f, 'utf8'))]) {
      assert.ok(!text.includes(KEY), 'the API key never appears in output or files');
    }
  });

  it('a stream cut mid-answer keeps the partial answer and exits 3 with the artifacts saved', async () => {
    ai.script.push({ kind: 'stream', pieces: ['First half of ', 'the answer', ' never arrives'], cutAfter: 2 });
    const r = await runCli(['profile', 'sample-job', '-d', '1', '--output-dir', out, '--base-url', ai.baseUrl, '-o', 'json', '--taskmanager', 'sample-job-taskmanager-1-1'], {
      env: { KUBECONFIG: scenario.kubeconfigPath, OPENAI_API_KEY: KEY },
    });
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.targets[0].status, 'saved');
    assert.equal(doc.analysis.partial, true);
    assert.equal(doc.analysis.failed, true);
    const saved = readFileSync(doc.analysis.file, 'utf8');
    assert.match(saved, /First half of the answer/);
    assert.match(saved, /partial: the stream was cut/);
    assert.ok(readFileSync(doc.targets[0].file, 'utf8').includes("f(0,0,"), 'the flame graph is kept');
  });
});

// The analysis as it looks on a terminal (a real pseudo-terminal from util-linux script(1)): drawn,
// not Markdown source; piped, it stays Markdown, as the saved .analysis.md does.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pluginCommand, repoRoot, runCli, runCommand } from '../support/cli.ts';

const CASE = path.join(repoRoot, 'test', 'fixtures', 'diagnosis', 'kryo-record');

describe('the analysis on a terminal', { skip: existsSync('/usr/bin/script') ? false : 'util-linux script(1) is not installed' }, () => {
  let dir: string;
  let flameGraph: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-terminal-'));
    for (const f of readdirSync(CASE)) copyFileSync(path.join(CASE, f), path.join(dir, f));
    flameGraph = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.html'))!);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is drawn to the terminal width with the plugin\'s styling, never as Markdown marks', async () => {
    const { command, args } = pluginCommand();
    const line = [command, ...args, 'analyze', flameGraph, '--provider', 'builtin'].map((w) => `'${w}'`).join(' ');
    const r = await runCommand('script', ['-q', '-f', '-e', '-c', `stty cols 100 rows 40; ${line}`, '/dev/null'], { TERM: 'xterm-256color' });
    assert.equal(r.code, 0, r.stdout);
    const screen = r.stdout.replace(/\r/g, '');
    const words = screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    assert.match(words, /\[MEDIUM\] Kryo fallback serialization/);
    assert.match(words, /What to do: Flink serializes the records/);
    for (const mark of ['### ', '**What to do:**', '|---']) assert.ok(!words.includes(mark), `${mark} on the terminal`);
    assert.match(screen, /\u001b\[1mWhat to do:\u001b\[22m/, 'headings and emphasis styled');
    const answer = words.slice(words.indexOf('Analysis (builtin)'), words.indexOf('analysis saved to'));
    // paragraphs and list items fit; a table keeps its rows (a frame name is never cut)
    const long = answer.split('\n').filter((l) => l.length > 100 && !/^\s*[│┌├└]/.test(l));
    assert.deepEqual(long, [], `every line but a table row fits the width:\n${long.join('\n')}`);
  });

  it('piped, and in .analysis.md, it stays Markdown', async () => {
    const r = await runCli(['analyze', flameGraph, '--provider', 'builtin']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\*\*What to do:\*\*/);
    assert.match(r.stdout, /^### /m);
    assert.match(readFileSync(flameGraph.replace(/\.html$/, '.analysis.md'), 'utf8'), /\*\*What to do:\*\*/);
  });
});

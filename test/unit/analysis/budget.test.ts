import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { buildRequest, DEFAULT_REQUEST_BUDGET, renderFindings, type BuiltRequest } from '../../../src/analysis/budget.ts';
import { builtinFindings } from '../../../src/analysis/builtin.ts';
import { loadPromptTemplate, loadSystemPrompt } from '../../../src/analysis/prompts.ts';
import { chatTokens, tokenCounter, type TokenCounter } from '../../../src/analysis/tokenizer.ts';
import { parseFlameGraphFile } from '../../../src/flamegraph/parse.ts';
import { compareSummaries, summarize } from '../../../src/flamegraph/summary.ts';
import type { Category, FrameStat, ProfileSummary } from '../../../src/flamegraph/types.ts';
import { chained, idleTask, job, PKG, profile, SOURCE, vertex } from './flink-stacks.ts';
import { hugeSummaries, sampleFindings, smallSummary } from './sample-summaries.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/flamegraphs/${name}`, import.meta.url));

/** The real captures with the flattest profiles: 25 frames covered only 33-77% of their self samples. */
const FLAT_FIXTURES = ['real-flink1.20-ITIMER.html', 'real-flink1.20-CPU.html', 'real-ap4-ITIMER.html', 'real-flink1.20-ALLOC.html'];

async function summaryOf(name: string, target = name): Promise<ProfileSummary> {
  return summarize(await parseFlameGraphFile(fixture(name)), { source: name, target });
}

function requestFor(summaries: ProfileSummary[], count: TokenCounter): BuiltRequest {
  const comparison = summaries.length > 1 ? compareSummaries(summaries) : undefined;
  return buildRequest({
    summaries,
    findings: builtinFindings({ summaries, ...(comparison ? { comparison } : {}) }),
    system: loadSystemPrompt(),
    template: loadPromptTemplate(summaries[0]?.mode ?? 'UNKNOWN'),
    count,
    ...(comparison ? { comparison } : {}),
  });
}

/** Coverage recounted from the request text: self samples, over every target, of the frames listed by self. */
function recountedCoverage(req: BuiltRequest, summaries: ProfileSummary[]): number {
  const listed = new Set<string>();
  let inSelf = false;
  for (const line of (req.messages[1]?.content ?? '').split('\n')) {
    if (line.startsWith('Top frames by self samples')) inSelf = true;
    else if (!line.startsWith('- ')) inSelf = false;
    else if (inSelf) listed.add(/^- [\d.]+% (.*)$/.exec(line)?.[1] ?? '');
  }
  const all = summaries.reduce((sum, s) => sum + s.totalSamples, 0);
  const covered = summaries.reduce((sum, s) => sum + s.topSelf.filter((f) => listed.has(f.name)).reduce((x, f) => x + f.samples, 0), 0);
  return Math.round((covered / all) * 1000) / 10;
}

/** `targets` TaskManagers of one job with a flat profile: shared frames, uneven load, a few frames of their own. */
function flatJob(targets: number): ProfileSummary[] {
  const base = smallSummary();
  return Array.from({ length: targets }, (_, t) => {
    const load = 1 + (t % 7) / 10;
    const shared = Array.from({ length: 180 }, (_, i) => ({
      name: `com/acme/orders/stage${i % 9}/EnrichmentOperator${i}$$Lambda$${i * 3}.processElement`,
      samples: Math.round((4000 / (i + 4)) * load),
    }));
    const own = Array.from({ length: 20 }, (_, i) => ({ name: `com/acme/orders/partition${t}/LocalCache${i}.lookup`, samples: 5 }));
    const frames = [...shared, ...own].sort((a, b) => b.samples - a.samples || (a.name < b.name ? -1 : 1));
    const totalSamples = Math.round(frames.reduce((sum, f) => sum + f.samples, 0) / 0.97);
    const topSelf: FrameStat[] = frames.map((f) => ({ ...f, type: 'jit', category: 'user' as Category, percent: (f.samples / totalSamples) * 100 }));
    return { ...base, target: `orders-taskmanager-1-${t + 1}`, source: `orders-taskmanager-1-${t + 1}_CPU.html`, mode: 'CPU' as const, totalSamples, topSelf, topTotal: topSelf.slice(0, 25) };
  });
}

describe('request budget', () => {
  let count: TokenCounter;
  before(async () => {
    count = await tokenCounter();
  });

  it('counts with the real o200k_base tokenizer', () => {
    // Known o200k_base counts: "hello world" is 2 tokens; an empty string is 0.
    assert.equal(count('hello world'), 2);
    assert.equal(count(''), 0);
    assert.ok(count('org/apache/flink/streaming/runtime/tasks/StreamTask.invoke') > 5);
  });

  it('keeps a small summary whole and reports the exact token count', () => {
    const req = buildRequest({
      summaries: [smallSummary()],
      findings: sampleFindings,
      system: loadSystemPrompt(),
      template: loadPromptTemplate('ITIMER'),
      count,
    });
    assert.equal(req.shrunk, false);
    assert.equal(req.budget, DEFAULT_REQUEST_BUDGET);
    assert.equal(req.tokens, chatTokens(count, req.messages));
    const user = req.messages[1]?.content ?? '';
    assert.match(user, /31% com\/acme\/fraud\/model\/FeatureVector\.normalize/);
    assert.match(user, /Kryo serialization takes 22% of CPU/);
    assert.doesNotMatch(user, /\{\{summary\}\}/);
    // 310+220+150+90+40 of 1000 self samples are listed
    assert.equal(req.selfCoveragePercent, 81);
  });

  it('shrinks a huge summary deterministically until it fits, merging the targets', () => {
    const summaries = hugeSummaries(40, 400);
    const input = { summaries, findings: sampleFindings, system: loadSystemPrompt(), template: loadPromptTemplate('CPU'), count };
    const oneTarget = count(summaries[0]?.topSelf.map((f) => f.name).join('\n') ?? '');
    assert.ok(oneTarget * summaries.length > 10 * DEFAULT_REQUEST_BUDGET, 'the input is far over budget');
    const req = buildRequest(input);
    assert.ok(req.tokens <= DEFAULT_REQUEST_BUDGET, `${req.tokens} tokens`);
    assert.equal(req.tokens, chatTokens(count, req.messages));
    assert.equal(req.shrunk, true);
    assert.equal(req.detail.merged, true);
    // every target has its own frames here, so the merged view cannot list most of them
    assert.ok(req.selfCoveragePercent > 0 && req.selfCoveragePercent < 100);
    const user = req.messages[1]?.content ?? '';
    assert.match(user, /### All 40 targets merged/);
    // the per-target table starts with the hottest target (largest totalSamples) and accounts for all 40
    assert.match(user, /hottest first \(names without the common prefix "tm-"\)[^\n]*\n- 39: 139000 \| 100\n/);
    const rows = user.split('\n').filter((l) => /^- \d+: \d+ \|/.test(l)).length;
    const more = Number(/- \((\d+) more targets with/.exec(user)?.[1] ?? 0);
    assert.equal(rows + more, 40);
    assert.deepEqual(buildRequest(input), req);
  });

  it('lists self frames of each flat real capture until >= 80% are covered, under the budget', async () => {
    for (const name of FLAT_FIXTURES) {
      const summary = await summaryOf(name);
      const req = requestFor([summary], count);
      assert.ok(req.tokens < DEFAULT_REQUEST_BUDGET, `${name}: ${req.tokens} tokens`);
      assert.ok(req.selfCoveragePercent >= 80, `${name}: ${req.selfCoveragePercent}% covered`);
      assert.equal(req.selfCoveragePercent, recountedCoverage(req, [summary]), name);
      assert.doesNotMatch(req.messages[1]?.content ?? '', /^- [\d.]+% .* \[[a-z-]+, [a-z0-9]+\]$/m, 'no category text per frame');
    }
  });

  it('keeps 40 TaskManagers under budget with >= 80% of the merged self samples covered', () => {
    const summaries = flatJob(40);
    const req = requestFor(summaries, count);
    assert.ok(req.tokens < DEFAULT_REQUEST_BUDGET, `${req.tokens} tokens`);
    assert.equal(req.detail.merged, true);
    assert.ok(req.selfCoveragePercent >= 80, `${req.selfCoveragePercent}% covered`);
    assert.equal(req.selfCoveragePercent, recountedCoverage(req, summaries));
    const user = req.messages[1]?.content ?? '';
    // no target is dropped: each has a row in the per-target table, or is counted in its gap line
    const rows = user.split('\n').filter((l) => /^- \d+: \d+ \|/.test(l)).length;
    const more = Number(/- \((\d+) more targets with/.exec(user)?.[1] ?? 0);
    assert.equal(rows + more, 40);
    assert.doesNotMatch(user, /targets left out/);
    assert.deepEqual(requestFor(summaries, count), req);
  });

  it('keeps 40 copies of a flat real capture under budget with >= 80% covered', async () => {
    const one = await summaryOf('real-flink1.20-ITIMER.html');
    const summaries = Array.from({ length: 40 }, (_, i) => ({ ...one, target: `job-taskmanager-1-${i + 1}` }));
    const req = requestFor(summaries, count);
    assert.ok(req.tokens < DEFAULT_REQUEST_BUDGET, `${req.tokens} tokens`);
    assert.ok(req.selfCoveragePercent >= 80, `${req.selfCoveragePercent}% covered`);
    assert.equal(req.selfCoveragePercent, recountedCoverage(req, summaries));
  });

  it('gives a few targets one view each while they fit', () => {
    const summaries = [smallSummary('tm-1'), smallSummary('tm-2'), smallSummary('tm-3')];
    const req = requestFor(summaries, count);
    assert.equal(req.detail.merged, false);
    assert.equal(req.selfCoveragePercent, 81);
    for (const t of ['tm-1', 'tm-2', 'tm-3']) assert.match(req.messages[1]?.content ?? '', new RegExp(`### ${t} `));
  });

  it('shows a rule that fired for many targets once, with its evidence cut short', () => {
    const base = sampleFindings[0]!;
    const perTarget = Array.from({ length: 10 }, (_, i) => ({ ...base, id: 'top-self-frames', title: `Top frames on tm-${i}`, target: `tm-${i}` }));
    const wide = { ...base, evidence: Array.from({ length: 100 }, (_, i) => `tm-${i}: 22%`) };
    const text = renderFindings([wide, ...perTarget], 20);
    assert.equal(text.split('\n').length, 2);
    assert.match(text, /tm-3: 22% \(\+96 more\)\. Advice/);
    assert.match(text, /Top frames on tm-0 \(tm-0; the same rule fired for 9 more targets\)/);
    // a few targets keep one finding each
    assert.equal(renderFindings(perTarget.slice(0, 3), 20).split('\n').length, 3);
  });

  it('honours a smaller budget', () => {
    const req = buildRequest({
      summaries: hugeSummaries(3, 50),
      findings: [],
      system: loadSystemPrompt(),
      template: loadPromptTemplate('CPU'),
      count,
      budget: 1200,
    });
    assert.ok(req.tokens <= 1200, `${req.tokens} tokens`);
  });

  it('fails clearly when the prompt alone is over budget', () => {
    assert.throws(
      () =>
        buildRequest({
          summaries: [smallSummary()],
          findings: [],
          system: 'x',
          template: 'word '.repeat(3000),
          count,
          budget: 500,
        }),
      (err: Error & { hint?: string; exitCode?: number }) =>
        /tokens even at minimum detail; the budget is 500/.test(err.message) && err.exitCode === 3 && /--prompt-file/.test(err.hint ?? ''),
    );
  });

  it('sends the attributed hot spots, user functions and job metrics, and names operator and user function per finding', () => {
    const stacks = [
      { frames: [...SOURCE, ...chained('StreamFilter'), `${PKG}/RegexPerRecord$ValidEmail.filter`, 'java/lang/String.matches', 'java/util/regex/Pattern.matches', 'java/util/regex/Pattern.compile'], samples: 600 },
      { frames: idleTask, samples: 400 },
    ];
    const summaries = [profile(stacks, 'ITIMER', { durationSeconds: 10 })];
    const jobMetrics = job([vertex('v1', 'Source: emails -> ValidEmail -> discard: Writer', [{ busyMsPerSecond: 900, recordsOut: 120000 }])]);
    const req = buildRequest({
      summaries,
      jobMetrics,
      findings: builtinFindings({ summaries, jobMetrics }),
      system: loadSystemPrompt(),
      template: loadPromptTemplate('ITIMER'),
      count,
    });
    const user = req.messages[1]?.content ?? '';
    assert.ok(req.tokens <= DEFAULT_REQUEST_BUDGET);
    assert.match(user, /Duration: 10 s \(run\); a sample = 10 ms of CPU/);
    assert.match(user, /- ValidEmail: squirrly\.e2e\.diagnosis\.RegexPerRecord\$ValidEmail\.filter, 60%, 600 ms\/s/);
    assert.match(user, /- regex: java\.util\.regex\.Pattern\.matches <- java\.lang\.String\.matches <- squirrly\.e2e\.diagnosis\.RegexPerRecord\$ValidEmail\.filter in ValidEmail: 60%, 600 ms\/s/);
    assert.match(user, /### Flink job metrics over the profiling window \(10 s, Flink 1\.20\.5\)/);
    assert.match(user, /- Source: emails -> ValidEmail -> discard: Writer \| 1 \| 900\/900 \|/);
    assert.match(user, /\[high\] Regular expressions[^\n]*Operator: ValidEmail \(vertex Source: emails -> ValidEmail -> discard: Writer\)\. User function: squirrly\.e2e\.diagnosis\.RegexPerRecord\$ValidEmail\.filter\. Hot frame: java\.util\.regex\.Pattern\.matches\./);
    assert.match(req.messages[0]?.content ?? '', /name the Flink operator/);
  });

  it('compares targets by user function, not by whole-JVM totals', () => {
    const stack = (samples: number) => [{ frames: [...SOURCE, ...chained('StreamMap'), `${PKG}/KeySkew$Aggregate.processElement`], samples }, { frames: idleTask, samples: 1000 - samples }];
    const summaries = [profile(stack(900), 'ITIMER', { target: 'tm-1', durationSeconds: 10 }), profile(stack(30), 'ITIMER', { target: 'tm-2', durationSeconds: 10 })];
    const req = requestFor(summaries, count);
    const user = req.messages[1]?.content ?? '';
    assert.match(user, /Whole-JVM samples, largest \/ median: 1 \(hottest: [^)]+\); idle threads, GC and JIT blur this/);
    assert.match(user, /- squirrly\.e2e\.diagnosis\.KeySkew\$Aggregate\.processElement: tm-1 900, tm-2 30/);
  });

  it('keeps 40 TaskManagers with attribution and a 60-vertex job under budget', () => {
    const stacks = Array.from({ length: 60 }, (_, i) => ({ frames: [...SOURCE, ...chained('StreamMap'), `com/acme/stage${i}/Enrich${i}.map`, 'java/lang/String.matches', 'java/util/regex/Pattern.compile'], samples: 100 + i }));
    const summaries = Array.from({ length: 40 }, (_, t) => profile(stacks, 'ITIMER', { target: `tm-${t}`, durationSeconds: 10 }));
    const jobMetrics = job(Array.from({ length: 60 }, (_, i) => vertex(`v${i}`, `Enrich${i} -> Filter${i}`, Array.from({ length: 40 }, () => ({ busyMsPerSecond: 500, recordsIn: 1000 })))));
    const req = buildRequest({ summaries, jobMetrics, findings: builtinFindings({ summaries, jobMetrics }), system: loadSystemPrompt(), template: loadPromptTemplate('ITIMER'), count });
    assert.ok(req.tokens <= DEFAULT_REQUEST_BUDGET, `${req.tokens} tokens`);
    assert.match(req.messages[1]?.content ?? '', /more vertices left out/);
  });
});


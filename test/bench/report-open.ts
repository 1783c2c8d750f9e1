// 7. Report: the page written for a large flame graph, opened in headless Chromium (the one the
// browser tests use): from navigation to the flame graph drawn. Skipped without a Chromium.
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeReport } from '../../src/workflow/report.ts';
import { fmtBytes, fmtMs, median, type Section } from './common.ts';
import type { BenchInput } from './inputs.ts';

const TARGET_MS = 2000;
const CHROMIUM = process.env['SQUIRRLY_CHROMIUM'] ?? '/usr/bin/chromium';

export interface ReportRow {
  name: string;
  bytes: number;
  reportBytes: number;
  writeMs: number;
  openMs: number;
  frames: number;
  met: boolean;
}

export async function benchReport(inputs: BenchInput[], reps: number): Promise<{ rows: ReportRow[]; met: boolean | undefined; skipped?: string }> {
  if (!existsSync(CHROMIUM)) return { rows: [], met: undefined, skipped: `no Chromium at ${CHROMIUM}` };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const rows: ReportRow[] = [];
  try {
    for (const input of inputs) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-bench-report-'));
      try {
        const file = path.join(dir, 'tm-1_ITIMER_2026-01-01_00_00_00.html');
        copyFileSync(input.file, file);
        const started = performance.now();
        const { path: page } = await writeReport({ paths: [file] }, () => undefined);
        const writeMs = performance.now() - started;
        const times: number[] = [];
        let frames = 0;
        for (let i = 0; i < reps; i++) {
          const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
          const tab = await context.newPage();
          const t = performance.now();
          await tab.goto(`file://${page}`);
          await tab.waitForSelector('#flame rect');
          times.push(performance.now() - t);
          frames = await tab.locator('#flame rect').count();
          await context.close();
        }
        const openMs = median(times);
        rows.push({ name: input.name, bytes: input.bytes, reportBytes: statSync(page).size, writeMs, openMs, frames, met: openMs < TARGET_MS });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
  }
  return { rows, met: rows.every((r) => r.met) };
}

export function reportSection(r: { rows: ReportRow[]; met: boolean | undefined; skipped?: string }): Section {
  return {
    title: '7. Report in a browser',
    target: `the report of the largest flame graph opens (flame graph drawn) in < ${TARGET_MS} ms in headless Chromium`,
    header: ['file', 'size', 'report', 'write', 'open', 'frames drawn', 'ok'],
    rows: r.rows.map((x) => [x.name, fmtBytes(x.bytes), fmtBytes(x.reportBytes), fmtMs(x.writeMs), fmtMs(x.openMs), String(x.frames), x.met ? 'yes' : 'NO']),
    notes: [r.skipped ?? 'open: navigation to the first drawn frame, median; write: parse, summarise, findings and the page (kubectl squirrly report)'],
    met: r.met,
  };
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PodScan } from '../../../src/workflow/artifact-scan.ts';
import { mergeRuns, newestPerTarget, selectDownloads, type ScannedPod, type TargetHistory } from '../../../src/workflow/artifact-listing.ts';

const T0 = Date.UTC(2024, 2, 5, 14, 0, 0);
const scanned = (files: PodScan['files'], extra: Partial<PodScan> = {}): PodScan => ({ state: 'scanned', files, missingDirs: [], refused: [], ...extra });

function tmHistory(id: string, entries: TargetHistory['entries'], extra: Partial<TargetHistory> = {}): TargetHistory {
  return { target: { kind: 'taskmanager', id }, label: id, pod: id, state: 'listed', entries, ...extra };
}

describe('mergeRuns', () => {
  it('joins REST entries with the files on their pod, and marks unclaimed files "on disk only"', () => {
    const histories: TargetHistory[] = [
      { target: { kind: 'jobmanager' }, label: 'JobManager', pod: 'jm', state: 'listed', entries: [] },
      tmHistory('tm-1', [
        { status: 'FINISHED', mode: 'ITIMER', triggerTime: T0 + 60_000, duration: 30, message: 'Profiling Successful', outputFile: 'tm-1_ITIMER_2024-03-05_14_01_30.html' },
        { status: 'FAILED', mode: 'CPU', triggerTime: T0, duration: 30, message: 'Start profiler failed. No access to perf events.' },
      ]),
    ];
    const pods: ScannedPod[] = [
      { pod: 'jm', role: 'jobmanager', label: 'JobManager', scan: scanned([]) },
      { pod: 'tm-1', role: 'taskmanager', label: 'tm-1', scan: scanned([{ dir: '/tmp', name: 'tm-1_ITIMER_2024-03-05_14_01_30.html', bytes: 10 }, { dir: '/opt/flink/log', name: 'tm-1_WALL_2024-03-04_09_00_00.html', bytes: 20 }]) },
    ];
    const { runs, warnings } = mergeRuns(histories, pods);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      runs.map((r) => [r.label, r.source, r.status ?? '-', r.mode, r.file ?? '-', r.onDisk?.dir ?? '-']),
      [
        ['tm-1', 'rest', 'FINISHED', 'ITIMER', 'tm-1_ITIMER_2024-03-05_14_01_30.html', '/tmp'],
        ['tm-1', 'rest', 'FAILED', 'CPU', '-', '-'],
        ['tm-1', 'disk', '-', 'WALL', 'tm-1_WALL_2024-03-04_09_00_00.html', '/opt/flink/log'],
      ],
    );
    assert.equal(runs[1]!.message, 'Start profiler failed. No access to perf events.');
  });

  it('refuses a hostile outputFile and says why a file is missing or unscanned', () => {
    const histories = [
      tmHistory('tm-1', [
        { status: 'FINISHED', mode: 'ITIMER', triggerTime: T0 + 2, outputFile: '../../etc/passwd' },
        { status: 'FINISHED', mode: 'ITIMER', triggerTime: T0 + 1, outputFile: 'tm-1_ITIMER_2024-03-05_14_00_01.html' },
      ]),
      tmHistory('tm-2', [{ status: 'FINISHED', mode: 'WALL', triggerTime: T0, outputFile: 'tm-2_WALL_2024-03-05_14_00_00.html' }]),
    ];
    const pods: ScannedPod[] = [
      { pod: 'tm-1', role: 'taskmanager', label: 'tm-1', scan: scanned([], { refused: ['a\nb_CPU_x.html'] }) },
      { pod: 'tm-2', role: 'taskmanager', label: 'tm-2', scan: { state: 'forbidden', files: [], missingDirs: [], refused: [], message: 'exec is not allowed (create pods/exec)' } },
    ];
    const { runs, warnings } = mergeRuns(histories, pods);
    assert.equal(runs[0]!.file, undefined);
    assert.equal(runs[0]!.note, 'refused: not a plain file name');
    assert.equal(runs[1]!.note, 'not found on the pod disk');
    assert.equal(runs[2]!.note, 'disk not scanned: exec is not allowed');
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /tm-1 reports the file name "..\/..\/etc\/passwd"/);
    assert.match(warnings[1]!, /pod tm-1 has a file named "a\\nb_CPU_x.html"/);
  });

  it('orders the JobManager first, then targets naturally (tm-2 before tm-10), newest first', () => {
    const histories = ['tm-10', 'tm-2'].map((id) => tmHistory(id, [{ status: 'FINISHED', triggerTime: T0 + 1 }, { status: 'FINISHED', triggerTime: T0 + 2 }]));
    const pods: ScannedPod[] = [{ pod: 'jm', role: 'jobmanager', label: 'JobManager', scan: scanned([{ dir: '/tmp', name: 'JobManager_CPU_2024-03-05_14_03_27.html' }]) }];
    const { runs } = mergeRuns(histories, pods);
    assert.deepEqual(runs.map((r) => `${r.label}@${r.triggerTime ?? 'disk'}`), ['JobManager@disk', `tm-2@${T0 + 2}`, `tm-2@${T0 + 1}`, `tm-10@${T0 + 2}`, `tm-10@${T0 + 1}`]);
  });
});

describe('newestPerTarget', () => {
  it('keeps the newest N of each target and counts the rest; 0 keeps all', () => {
    const runs = ['a', 'a', 'a', 'b'].map((label, i) => ({ label, source: 'rest' as const, triggerTime: 10 - i }));
    assert.deepEqual(newestPerTarget(runs, 2).shown.map((r) => r.triggerTime), [10, 9, 7]);
    assert.equal(newestPerTarget(runs, 2).hidden, 1);
    assert.equal(newestPerTarget(runs, 0).shown.length, 4);
  });
});

describe('selectDownloads', () => {
  const { runs } = mergeRuns(
    [
      tmHistory('tm-1', [
        { status: 'RUNNING', triggerTime: T0 + 3 },
        { status: 'FINISHED', triggerTime: T0 + 2, outputFile: 'tm-1_ITIMER_2.html' },
        { status: 'FINISHED', triggerTime: T0 + 1, outputFile: 'tm-1_ITIMER_1.html' },
      ]),
    ],
    [{ pod: 'gone-tm', role: 'taskmanager', label: 'gone-tm', scan: scanned([{ dir: '/tmp', name: 'gone-tm_WALL_2024-03-05_14_03_27.html' }]) }],
  );

  it('--latest picks the newest finished file of each target, disk-only targets included', () => {
    assert.deepEqual(selectDownloads(runs, { files: [], latest: true, all: false }).selected.map((r) => r.file), ['gone-tm_WALL_2024-03-05_14_03_27.html', 'tm-1_ITIMER_2.html']);
  });

  it('--all picks every file once, and named files must exist', () => {
    assert.equal(selectDownloads(runs, { files: ['tm-1_ITIMER_1.html'], latest: false, all: true }).selected.length, 3);
    const named = selectDownloads(runs, { files: ['tm-1_ITIMER_1.html', 'nope.html'], latest: false, all: false });
    assert.deepEqual(named.selected.map((r) => r.file), ['tm-1_ITIMER_1.html']);
    assert.deepEqual(named.unknown, ['nope.html']);
  });
});

// Flink-shaped stacks for the rule tests, rendered into real async-profiler HTML and summarised by
// the real parser, plus job-metrics snapshots shaped like the ones captured from Flink.
import { parseFlameGraph } from '../../../src/flamegraph/parse.ts';
import { summarize } from '../../../src/flamegraph/summary.ts';
import type { ProfileSummary, ProfilingMode } from '../../../src/flamegraph/types.ts';
import type { JobMetricsSnapshot, SubtaskMetrics, VertexMetrics } from '../../../src/flink/job-metrics.ts';
import { renderV2, type Stack } from '../flamegraph/render-html.ts';

const F = 'org/apache/flink/streaming';
export const PKG = 'squirrly/e2e/diagnosis';
const TASK = ['java/lang/Thread.run', 'org/apache/flink/runtime/taskmanager/Task.run', `${F}/runtime/tasks/StreamTask.invoke`, `${F}/runtime/tasks/mailbox/MailboxProcessor.runMailboxLoop`, `${F}/runtime/tasks/StreamTask.processInput`];

/** a source task's stack down to the source operator */
export const SOURCE = [...TASK, `${F}/runtime/io/StreamTaskSourceInput.emitNext`, `${F}/api/operators/SourceOperator.emitNext`, 'org/apache/flink/api/connector/source/lib/util/IteratorSourceReaderBase.pollNext', `${F}/api/operators/source/SourceOutputWithWatermarks.collect`];
/** a task fed by the network, down to its input */
export const NETWORK = [...TASK, `${F}/runtime/io/AbstractStreamTaskNetworkInput.emitNext`, `${F}/runtime/tasks/OneInputStreamTask$StreamTaskNetworkOutput.emitRecord`];

export const op = (kind: string): string => `${F}/api/operators/${kind}.processElement`;
export const chained = (kind: string): string[] => [`${F}/runtime/tasks/CopyingChainingOutput.collect`, `${F}/runtime/tasks/CopyingChainingOutput.pushToOperator`, op(kind)];
export const idleTask = [...TASK.slice(0, 4), `${F}/runtime/tasks/mailbox/MailboxProcessor.processMailsWhenDefaultActionUnavailable`, `${F}/runtime/tasks/mailbox/TaskMailboxImpl.take`, 'jdk/internal/misc/Unsafe.park'];
export const compilerThread = ['start_thread', 'JavaThread::thread_main_inner()', 'CompileBroker::compiler_thread_loop()', 'C2Compiler::compile_method()'];

const TITLES: Record<ProfilingMode, string> = { CPU: 'CPU profile', ITIMER: 'CPU profile', ALLOC: 'Allocation profile', LOCK: 'Lock profile', WALL: 'Wall clock profile' };

export function profile(stacks: Stack[], mode: ProfilingMode, opts: { target?: string; durationSeconds?: number } = {}): ProfileSummary {
  const target = opts.target ?? 'tm-1';
  return summarize(parseFlameGraph(renderV2(stacks, TITLES[mode])), {
    source: `${target}_${mode}_2026-12-01_08_00_00.html`,
    target,
    mode,
    ...(opts.durationSeconds !== undefined ? { durationSeconds: opts.durationSeconds } : {}),
  });
}

export function vertex(id: string, name: string, subtasks: Array<Partial<SubtaskMetrics>>): VertexMetrics {
  return {
    id,
    name,
    operators: name.split(' -> '),
    parallelism: subtasks.length,
    subtasks: subtasks.map((subtask, index) => ({ index, taskManagerId: 'tm-1', ...subtask })),
  };
}

export function job(vertices: VertexMetrics[], seconds = 10): JobMetricsSnapshot {
  return {
    schema: 1,
    flinkVersion: '1.20.5',
    jobId: '0'.repeat(32),
    jobName: 'test',
    from: '2026-12-01T08:00:00.000Z',
    to: new Date(Date.parse('2026-12-01T08:00:00.000Z') + seconds * 1000).toISOString(),
    vertices,
    edges: vertices.slice(1).map((to, index) => ({ from: vertices[index]!.id, to: to.id, shipStrategy: 'HASH' })),
    taskManagers: [{ id: 'tm-1' }],
  };
}

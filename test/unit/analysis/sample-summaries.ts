// Hand-built summaries for analysis tests: a small realistic one and a huge synthetic one.
import type { Category, FrameStat, HotPath, ProfileSummary } from '../../../src/flamegraph/types.ts';
import type { Finding } from '../../../src/analysis/provider.ts';

const ZERO: Record<Category, number> = {
  user: 0, 'flink-runtime': 0, serialization: 0, 'state-backend': 0, network: 0, 'gc-jit-vm': 0,
  kernel: 0, logging: 0, jdk: 0, waiting: 0, other: 0,
};

function stat(name: string, category: Category, samples: number, total: number): FrameStat {
  return { name, type: 'jit', category, samples, percent: (samples / total) * 100 };
}

/** One TaskManager spending its time in user code, Kryo and RocksDB. */
export function smallSummary(target = 'my-job-taskmanager-1-1'): ProfileSummary {
  const total = 1000;
  const user = 'com/acme/fraud/ScoringFunction.processElement';
  const helper = 'com/acme/fraud/model/FeatureVector.normalize';
  return {
    source: `${target}_ITIMER_2024-03-05_14_03_27.html`,
    target,
    mode: 'ITIMER',
    format: 'v2',
    totalSamples: total,
    frameCount: 120,
    maxDepth: 42,
    topSelf: [
      stat(helper, 'user', 310, total),
      stat('com/esotericsoftware/kryo/Kryo.writeClassAndObject', 'serialization', 220, total),
      stat('org/rocksdb/RocksDB.get', 'state-backend', 150, total),
      stat(user, 'user', 90, total),
      stat('com.acme.fraud.model.Transaction', 'user', 40, total),
    ],
    topTotal: [
      stat('org/apache/flink/streaming/runtime/tasks/StreamTask.invoke', 'flink-runtime', 980, total),
      stat(user, 'user', 720, total),
    ],
    hotPaths: [
      {
        frames: ['java/lang/Thread.run', 'org/apache/flink/streaming/runtime/tasks/StreamTask.invoke', user, helper],
        samples: 310,
        percent: 31,
      },
    ],
    categories: { ...ZERO, user: 44, serialization: 22, 'state-backend': 15, 'flink-runtime': 19 },
  };
}

export const sampleFindings: Finding[] = [
  {
    id: 'kryo-fallback',
    severity: 'high',
    title: 'Kryo serialization takes 22% of CPU',
    evidence: ['com/esotericsoftware/kryo/Kryo.writeClassAndObject 22% self', 'FeatureVector is serialized with Kryo'],
    advice: 'register a TypeInformation for com.acme.fraud.model.FeatureVector or make it a POJO; set pipeline.generic-types: false to find Kryo fallbacks',
  },
];

/** `targets` TaskManagers with `frames` distinct long frames each: far more than any budget allows. */
export function hugeSummaries(targets: number, frames: number): ProfileSummary[] {
  return Array.from({ length: targets }, (_, t) => {
    const total = 100_000 + t * 1000;
    const names = Array.from(
      { length: frames },
      (_, i) => `com/example/tenant${t}/pipeline/stage${i % 17}/VeryLongGeneratedOperatorName${i}$$Lambda$${i * 7}.processElementWithContext`,
    );
    const top = names.map((n, i) => stat(n, 'user', Math.max(1, Math.floor(total / (i + 2) / 4)), total));
    const hotPaths: HotPath[] = Array.from({ length: 40 }, (_, p) => ({
      frames: names.slice(p, p + 60),
      samples: 1000 - p,
      percent: (1000 - p) / 10,
    }));
    return {
      source: `tm-${t}_CPU_2024-03-05_14_03_27.html`,
      target: `tm-${t}`,
      mode: 'CPU' as const,
      format: 'v3' as const,
      totalSamples: total,
      frameCount: frames * 3,
      maxDepth: 300,
      topSelf: top,
      topTotal: top.slice(0, frames / 2),
      hotPaths,
      categories: { ...ZERO, user: 100 },
    };
  });
}

// A flame graph as a pprof profile (gzip-compressed profile.proto), which `go tool pprof`,
// Pyroscope and Grafana read. One function and one location per distinct frame name; one sample
// per frame with self samples, its stack leaf first as pprof orders it. async-profiler's HTML
// holds sample counts only, so the value type is a count named after the mode.
//
// Written field by field with protobuf's wire writer: a message object per sample would cost
// several times the parse of a large flame graph.
import { gzipSync } from 'node:zlib';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { tableFromRoot } from '../tree-builder.ts';
import type { FlameGraph, ProfilingMode } from '../types.ts';

/** The sample type each mode's counts are: what `go tool pprof` prints as the profile's type. */
const SAMPLE_TYPE: Record<ProfilingMode | 'UNKNOWN', string> = {
  CPU: 'cpu',
  ITIMER: 'cpu',
  WALL: 'wall',
  ALLOC: 'alloc_samples',
  LOCK: 'lock_samples',
  UNKNOWN: 'samples',
};

// Field numbers of profile.proto (github.com/google/pprof/proto/profile.proto).
const PROFILE = { sampleType: 1, sample: 2, mapping: 3, location: 4, function: 5, stringTable: 6, durationNanos: 10, periodType: 11, period: 12, comment: 13 } as const;
const VALUE_TYPE = { type: 1, unit: 2 } as const;
const SAMPLE = { locationId: 1, value: 2 } as const;
const MAPPING = { id: 1, filename: 5, hasFunctions: 7 } as const;
const LOCATION = { id: 1, mappingId: 2, line: 4 } as const;
const LINE = { functionId: 1 } as const;
const FUNCTION = { id: 1, name: 2, systemName: 3 } as const;

export interface PprofMeta {
  mode: ProfilingMode | 'UNKNOWN';
  /** the run's length, when known */
  durationSeconds?: number;
  /** a line kept in the profile's comments, e.g. the source file */
  comment?: string;
}

export function toPprof(graph: FlameGraph, meta: PprofMeta): Buffer {
  const table = graph.frames ?? tableFromRoot(graph.root);
  const { parent, nameId, self, names } = table;
  const out = new BinaryWriter();
  // string 0 must be ""; then the two value-type strings, the comment, the mapping's file, and one per frame name (name id + FIRST_NAME)
  const fixed = ['', SAMPLE_TYPE[meta.mode], 'count', meta.comment ?? '', 'java'];
  const FIRST_NAME = fixed.length;

  const valueType = (field: number): void => {
    out.tag(field, WireType.LengthDelimited).fork().tag(VALUE_TYPE.type, WireType.Varint).int64(1).tag(VALUE_TYPE.unit, WireType.Varint).int64(2).join();
  };
  valueType(PROFILE.sampleType);

  // location and function ids are name id + 1 (0 means "none" in profile.proto)
  const used = new Uint8Array(names.length);
  const stack = new Int32Array(table.maxDepth + 1);
  for (let row = 1; row < table.count; row++) {
    const count = self[row]!;
    if (count <= 0) continue;
    let depth = 0;
    for (let at = row; at > 0; at = parent[at]!) {
      const id = nameId[at]!;
      stack[depth++] = id + 1;
      used[id] = 1;
    }
    out.tag(PROFILE.sample, WireType.LengthDelimited).fork();
    out.tag(SAMPLE.locationId, WireType.LengthDelimited).fork();
    for (let i = 0; i < depth; i++) out.uint32(stack[i]!);
    out.join();
    out.tag(SAMPLE.value, WireType.LengthDelimited).fork().int64(count).join();
    out.join();
  }

  // one mapping that says the functions are known, so readers do not look for a binary to symbolise
  out.tag(PROFILE.mapping, WireType.LengthDelimited).fork()
    .tag(MAPPING.id, WireType.Varint).uint32(1)
    .tag(MAPPING.filename, WireType.Varint).int64(4)
    .tag(MAPPING.hasFunctions, WireType.Varint).bool(true)
    .join();
  for (let id = 0; id < names.length; id++) {
    if (used[id] === 0) continue;
    out.tag(PROFILE.location, WireType.LengthDelimited).fork()
      .tag(LOCATION.id, WireType.Varint).uint32(id + 1)
      .tag(LOCATION.mappingId, WireType.Varint).uint32(1)
      .tag(LOCATION.line, WireType.LengthDelimited).fork().tag(LINE.functionId, WireType.Varint).uint32(id + 1).join()
      .join();
  }
  for (let id = 0; id < names.length; id++) {
    if (used[id] === 0) continue;
    const name = FIRST_NAME + id;
    out.tag(PROFILE.function, WireType.LengthDelimited).fork()
      .tag(FUNCTION.id, WireType.Varint).uint32(id + 1)
      .tag(FUNCTION.name, WireType.Varint).int64(name)
      .tag(FUNCTION.systemName, WireType.Varint).int64(name)
      .join();
  }
  for (const text of fixed) out.tag(PROFILE.stringTable, WireType.LengthDelimited).string(text);
  for (const name of names) out.tag(PROFILE.stringTable, WireType.LengthDelimited).string(name);

  if (meta.durationSeconds !== undefined && meta.durationSeconds > 0) out.tag(PROFILE.durationNanos, WireType.Varint).int64(Math.round(meta.durationSeconds * 1e9));
  valueType(PROFILE.periodType);
  out.tag(PROFILE.period, WireType.Varint).int64(1);
  if (meta.comment !== undefined) out.tag(PROFILE.comment, WireType.Varint).int64(3);
  return gzipSync(out.finish());
}

// The six profiler routes (FLIP-375) for one target. Path parameters are URL-encoded because
// standalone TaskManager ids contain ':' and file names embed the id.
import type { ProfilingMode } from '../flamegraph/types.ts';
import type { FlinkRestClient, OpenStream } from './rest-client.ts';
import type { ProfileTarget, ProfilingInfo, ProfilingInfoList } from './types.ts';

export function profilerPath(target: ProfileTarget): string {
  return target.kind === 'jobmanager' ? '/jobmanager/profiler' : `/taskmanagers/${encodeURIComponent(target.id)}/profiler`;
}

export function targetLabel(target: ProfileTarget): string {
  return target.kind === 'jobmanager' ? 'JobManager' : target.id;
}

export async function listProfiling(client: FlinkRestClient, target: ProfileTarget): Promise<ProfilingInfo[]> {
  const list = await client.get<ProfilingInfoList>(profilerPath(target));
  return Array.isArray(list?.profilingList) ? list.profilingList.filter((e) => typeof e === 'object' && e !== null) : [];
}

export function triggerProfiling(client: FlinkRestClient, target: ProfileTarget, mode: ProfilingMode, duration: number): Promise<ProfilingInfo> {
  return client.post<ProfilingInfo>(profilerPath(target), { mode, duration });
}

export function openProfilingFile(client: FlinkRestClient, target: ProfileTarget, fileName: string): Promise<OpenStream> {
  return client.open(`${profilerPath(target)}/${encodeURIComponent(fileName)}`);
}

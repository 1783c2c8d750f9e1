// The port the push step needs from a profile store: take one profile with its labels and the
// time range it covers. Pyroscope's ingest API is the one implementation (ingest-client.ts).

export interface ProfileToPush {
  /** the series' labels; `service_name` names the application in the store */
  labels: Readonly<Record<string, string>>;
  /** the window the profile covers, in Unix seconds (`from` is the profile's timestamp) */
  fromSeconds: number;
  untilSeconds: number;
  /** a gzip-compressed pprof profile */
  pprof: Uint8Array;
}

export interface ProfilePusher {
  /** where profiles go, for messages (never with credentials) */
  readonly where: string;
  /** Resolves once the store accepted the profile; rejects with a SquirrlyError otherwise. */
  push(profile: ProfileToPush, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

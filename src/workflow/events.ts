// Typed progress of the profile workflow. The workflow only emits these; the CLI decides how
// they look (spinner on a TTY, timestamped lines otherwise, nothing with -q).

export type TargetState = 'pending' | 'triggered' | 'running' | 'finished' | 'downloading' | 'saved' | 'failed';

export type ProfileEvent =
  | { type: 'step'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'plan'; targets: Array<{ label: string; pod?: string }>; mode: string; duration: number }
  | { type: 'target'; label: string; state: TargetState; message?: string }
  /** emitted about once a second while runs are in progress */
  | { type: 'countdown'; remainingSeconds: number; running: number; done: number; total: number }
  | { type: 'retry'; what: string; attempt: number; reason: string }
  | { type: 'saved'; label: string; path: string; bytes: number; via: 'rest' | 'exec' };

export type Emit<E> = (event: E) => void;

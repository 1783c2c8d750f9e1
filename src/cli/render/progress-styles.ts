// The --progress choices; apart from the renderers so flag definitions load nothing else.
export const PROGRESS_STYLES = ['auto', 'plain', 'json'] as const;
export type ProgressStyle = (typeof PROGRESS_STYLES)[number];

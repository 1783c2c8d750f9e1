// The size limits of what the plugin saves, shared by the flags (defaults) and the downloads.

/**
 * 1 GiB: the largest real flame graphs (long WALL or ALLOC runs of busy TaskManagers) are some
 * 50-100 MB of HTML, so this leaves ten times the room and still stops an endless download.
 */
export const DEFAULT_MAX_ARTIFACT_BYTES = 1024 ** 3;

// A container image reference in the grammar of the distribution project's reference package:
// [host[:port]/]path[:tag][@algorithm:digest], path components lower case.

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}';
const HOST_PATTERN = new RegExp(`^${HOST}$`);
const PATH = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);

/** The name part is at most 255 characters in the reference grammar. */
const MAX_NAME_CHARS = 255;

export function isImageReference(reference: string): boolean {
  const name = reference.split('@')[0]!.replace(/:[\w][\w.-]{0,127}$/, '');
  if (name.length > MAX_NAME_CHARS) return false;
  // as docker reads it: the first part is a registry only when it has a dot or a port, or is localhost
  const slash = reference.indexOf('/');
  const first = slash < 0 ? '' : reference.slice(0, slash);
  const hasHost = first !== '' && (/[.:]/.test(first) || first === 'localhost') && !first.includes('@');
  if (hasHost) return HOST_PATTERN.test(first) && PATH.test(reference.slice(slash + 1));
  return PATH.test(reference);
}

/** A tag or a digest pins what runs; without one every pull may bring a different `latest`. */
export function isPinnedImage(reference: string): boolean {
  if (reference.includes('@')) return true;
  const last = reference.split('/').pop()!;
  return last.includes(':') && !last.endsWith(':latest');
}

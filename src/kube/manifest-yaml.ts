// Objects as a multi-document YAML stream, the form `kubectl apply -f -` reads; js-yaml (through
// client-node) writes it, so quoting and special strings follow YAML's rules.
import type { ManifestObject } from './cluster.ts';

export async function manifestsYaml(objects: readonly ManifestObject[]): Promise<string> {
  const { dumpYaml } = await import('./client-node.ts');
  // shared sub-objects (the labels) would otherwise become YAML anchors and aliases
  return objects.map((o) => `---\n${dumpYaml(o, { noRefs: true, lineWidth: -1 })}`).join('');
}

// Kubernetes object names (DNS-1123 subdomains): what the API server accepts for a
// FlinkDeployment or a namespace, checked before a name is sent anywhere or used as a folder.

export const MAX_NAME_CHARS = 253;

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);

export function isKubernetesName(name: string): boolean {
  return name.length <= MAX_NAME_CHARS && SUBDOMAIN.test(name);
}

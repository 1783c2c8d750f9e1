// Doctor's line about the credentials: where they come from (token, token file, client
// certificate, exec helper, auth-provider, none) and whom requests impersonate. It names files and
// commands, never a token, password or key.
import type { CredentialSummary } from '../kube/credentials.ts';
import type { InClusterInfo } from '../kube/in-cluster.ts';
import type { CheckStatus } from './events.ts';

const SOURCES: Record<CredentialSummary['source'], string> = {
  token: 'bearer token from the kubeconfig or --token',
  tokenFile: 'bearer token read from',
  'client-certificate': 'client certificate',
  exec: 'exec credential plugin',
  'auth-provider': 'auth-provider',
  'basic-auth': 'basic authentication (user name and password)',
  none: 'none',
};

export function credentialCheck(summary: CredentialSummary): { status: CheckStatus; detail: string; fix?: string } {
  const source = summary.detail ? `${SOURCES[summary.source]} ${summary.detail}` : SOURCES[summary.source];
  const imp = summary.impersonation;
  const as = imp
    ? `; impersonating ${imp.user}${imp.uid ? ` (uid ${imp.uid})` : ''}${imp.groups.length > 0 ? `, groups ${imp.groups.join(', ')}` : ''}${Object.keys(imp.extra).length > 0 ? `, extra ${Object.keys(imp.extra).join(', ')}` : ''}`
    : '';
  if (summary.missingUser !== undefined) {
    return {
      status: 'warn',
      detail: `the context names user "${summary.missingUser}", which the kubeconfig does not define: requests carry no credentials${as}`,
      fix: 'add the user (kubectl config set-credentials) or point the context at an existing one',
    };
  }
  if (summary.source === 'none') {
    return { status: 'warn', detail: `none: requests are anonymous${summary.detail ? ` (${summary.detail})` : ''}${as}`, fix: 'give the kubeconfig user a token, certificate or exec plugin, or pass --token' };
  }
  return { status: 'pass', detail: `${source}${as}` };
}

/** The kubeconfig line inside a pod: whose ServiceAccount (as its token claims) and which namespace. */
export function inClusterDetail(info: InClusterInfo, namespace: string): string {
  const account = info.serviceAccount
    ? ` with ServiceAccount ${info.serviceAccount.namespace}/${info.serviceAccount.name}`
    : info.tokenFile ? ' with the ServiceAccount token' : ' (the token given by a flag)';
  const from = info.namespace === namespace && info.namespaceSource ? ` (from ${info.namespaceSource})` : '';
  return `no kubeconfig: in-cluster configuration${account}, namespace ${namespace}${from}`;
}

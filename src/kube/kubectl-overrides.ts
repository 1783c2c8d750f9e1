// kubectl's global flags applied to the merged kubeconfig in clientcmd's order: --context picks the
// context, --cluster and --user replace its references, then the cluster and user fields given as
// flags replace the kubeconfig's (a CA or --insecure-skip-tls-verify replaces all three TLS trust
// fields together, --server clears a tls-server-name that came from the file, a client certificate
// or key replaces both its file and data forms).
import type { AuthInfoEntry, ClusterEntry, ContextEntry } from './kubeconfig-entries.ts';

export interface KubectlOverrides {
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  server?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  token?: string;
  clientCertificate?: string;
  clientKey?: string;
  username?: string;
  password?: string;
  as?: string;
  asGroups?: string[];
  asUid?: string;
}

export function overrideContext(context: ContextEntry, o: KubectlOverrides): ContextEntry {
  return {
    ...context,
    ...(o.cluster ? { cluster: o.cluster } : {}),
    ...(o.user ? { user: o.user } : {}),
    ...(o.namespace ? { namespace: o.namespace } : {}),
  };
}

export function overrideCluster(cluster: ClusterEntry, o: KubectlOverrides): ClusterEntry {
  const out: ClusterEntry = { ...cluster, ...(o.server ? { server: o.server } : {}) };
  if (o.insecureSkipTlsVerify === true || o.certificateAuthority) {
    delete out.certificateAuthority;
    delete out.certificateAuthorityData;
    delete out.insecureSkipTlsVerify;
    if (o.certificateAuthority) out.certificateAuthority = o.certificateAuthority;
    if (o.insecureSkipTlsVerify === true) out.insecureSkipTlsVerify = true;
  }
  if (o.tlsServerName || o.server) {
    delete out.tlsServerName;
    if (o.tlsServerName) out.tlsServerName = o.tlsServerName;
  }
  return out;
}

export function overrideAuthInfo(user: AuthInfoEntry, o: KubectlOverrides): AuthInfoEntry {
  const out: AuthInfoEntry = {
    ...user,
    ...(o.token ? { token: o.token } : {}),
    ...(o.username ? { username: o.username } : {}),
    ...(o.password ? { password: o.password } : {}),
    ...(o.as ? { as: o.as } : {}),
    ...(o.asUid ? { asUid: o.asUid } : {}),
    ...(o.asGroups && o.asGroups.length > 0 ? { asGroups: o.asGroups } : {}),
  };
  if (o.clientCertificate) {
    delete out.clientCertificateData;
    out.clientCertificate = o.clientCertificate;
  }
  if (o.clientKey) {
    delete out.clientKeyData;
    out.clientKey = o.clientKey;
  }
  return out;
}

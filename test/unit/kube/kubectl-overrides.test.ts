import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overrideAuthInfo, overrideCluster, overrideContext } from '../../../src/kube/kubectl-overrides.ts';

describe("kubectl's flags over the kubeconfig, in clientcmd's order", () => {
  const cluster = { server: 'https://file:6443', certificateAuthorityData: 'Q0E=', tlsServerName: 'file.example', proxyUrl: 'http://proxy:3128' };

  it('--server replaces the server and clears a tls-server-name that came from the file', () => {
    assert.deepEqual(overrideCluster(cluster, { server: 'https://flag:6443' }), { server: 'https://flag:6443', certificateAuthorityData: 'Q0E=', proxyUrl: 'http://proxy:3128' });
    assert.deepEqual(overrideCluster(cluster, { server: 'https://flag:6443', tlsServerName: 'flag.example' }).tlsServerName, 'flag.example');
    assert.equal(overrideCluster(cluster, {}).tlsServerName, 'file.example');
  });

  it('--certificate-authority or --insecure-skip-tls-verify replace all three trust fields together', () => {
    assert.deepEqual(overrideCluster(cluster, { certificateAuthority: '/ca.pem' }), { ...withoutCa(cluster), certificateAuthority: '/ca.pem' });
    assert.deepEqual(overrideCluster({ ...cluster, certificateAuthority: '/file-ca.pem' }, { insecureSkipTlsVerify: true }), { ...withoutCa(cluster), insecureSkipTlsVerify: true });
  });

  it('--client-certificate and --client-key replace both the file and the data form', () => {
    const user = { clientCertificateData: 'Y2VydA==', clientKeyData: 'a2V5', token: 'file-token' };
    assert.deepEqual(overrideAuthInfo(user, { clientCertificate: '/c.pem', clientKey: '/k.pem' }), { token: 'file-token', clientCertificate: '/c.pem', clientKey: '/k.pem' });
  });

  it('--token, --username, --password and the impersonation flags replace the user\'s fields', () => {
    const user = { token: 'file-token', as: 'file-as', asGroups: ['file-group'], asUserExtra: { scopes: ['x'] } };
    assert.deepEqual(overrideAuthInfo(user, { token: 'flag-token', as: 'alice', asGroups: ['g1', 'g2'], asUid: '42' }), {
      token: 'flag-token', as: 'alice', asGroups: ['g1', 'g2'], asUid: '42', asUserExtra: { scopes: ['x'] },
    });
    assert.deepEqual(overrideAuthInfo(user, {}), user);
  });

  it('--cluster, --user and -n replace the context\'s references', () => {
    assert.deepEqual(overrideContext({ cluster: 'a', user: 'u', namespace: 'ns' }, { cluster: 'b', user: 'v', namespace: 'flag-ns' }), { cluster: 'b', user: 'v', namespace: 'flag-ns' });
  });
});

function withoutCa<T extends { certificateAuthorityData?: string }>(c: T): Omit<T, 'certificateAuthorityData'> {
  const { certificateAuthorityData: _, ...rest } = c;
  return rest;
}

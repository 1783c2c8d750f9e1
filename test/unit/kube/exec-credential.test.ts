// The exec credential protocol's pure parts, with client-go's rules and words: what the helper is
// told (KUBERNETES_EXEC_INFO), whether it may read stdin, and what its answer must hold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execInfo, interactiveFor, parseExecCredential } from '../../../src/kube/exec-credential.ts';
import type { ExecConfig } from '../../../src/kube/kubeconfig-entries.ts';

const V1 = 'client.authentication.k8s.io/v1';
const exec = (o: Partial<ExecConfig> = {}): ExecConfig => ({ command: 'login', args: [], env: [], apiVersion: V1, provideClusterInfo: false, interactiveMode: 'IfAvailable', ...o });
const answer = (status: unknown, apiVersion = V1) => Buffer.from(JSON.stringify({ apiVersion, kind: 'ExecCredential', status }));

describe('exec credential protocol', () => {
  it('spec.cluster carries every field client-go fills, in its order, only with provideClusterInfo', () => {
    const cluster = { server: 'https://k:6443/prefix', tlsServerName: 'api.internal', insecureSkipTlsVerify: true, certificateAuthorityData: 'Q0E=', proxyUrl: 'socks5://p:1080', disableCompression: true, config: { audience: 'a' } };
    const text = execInfo(exec({ provideClusterInfo: true }), true, cluster);
    assert.equal(text, `${JSON.stringify({
      kind: 'ExecCredential', apiVersion: V1,
      spec: { cluster: { server: 'https://k:6443/prefix', 'tls-server-name': 'api.internal', 'insecure-skip-tls-verify': true, 'certificate-authority-data': 'Q0E=', 'proxy-url': 'socks5://p:1080', 'disable-compression': true, config: { audience: 'a' } }, interactive: true },
    })}\n`);
    assert.deepEqual(JSON.parse(execInfo(exec(), false, cluster)), { kind: 'ExecCredential', apiVersion: V1, spec: { interactive: false } });
  });

  it('stdin goes to the helper for IfAvailable and Always on a terminal, never for Never', () => {
    assert.equal(interactiveFor(exec({ interactiveMode: 'IfAvailable' }), true, 'u'), true);
    assert.equal(interactiveFor(exec({ interactiveMode: 'IfAvailable' }), false, 'u'), false);
    assert.equal(interactiveFor(exec({ interactiveMode: 'Never' }), true, 'u'), false);
    assert.equal(interactiveFor(exec({ interactiveMode: 'Always' }), true, 'u'), true);
    assert.throws(() => interactiveFor(exec({ interactiveMode: 'Always' }), false, 'u'), /exec plugin cannot support interactive mode: standard input is not a terminal/);
    assert.equal(interactiveFor(exec({ apiVersion: 'client.authentication.k8s.io/v1beta1', interactiveMode: undefined }), true, 'u'), true, 'v1beta1 defaults to IfAvailable');
    assert.throws(() => interactiveFor(exec({ interactiveMode: undefined }), true, 'u'), /interactiveMode must be specified for u to use exec authentication plugin/);
    assert.throws(() => interactiveFor(exec({ interactiveMode: 'Sometimes' }), true, 'u'), /invalid interactiveMode for u: "Sometimes"/);
  });

  it('an answer is a token, or a certificate with its key, and may say when it expires', () => {
    assert.deepEqual(parseExecCredential(answer({ token: 't', expirationTimestamp: '2030-01-02T03:04:05Z' }), V1), { credential: { token: 't' }, expiresAt: Date.UTC(2030, 0, 2, 3, 4, 5) });
    assert.deepEqual(parseExecCredential(answer({ clientCertificateData: 'CERT', clientKeyData: 'KEY' }), V1), { credential: { certPem: 'CERT', keyPem: 'KEY' }, expiresAt: undefined });
  });

  it("a wrong answer is refused with client-go's words", () => {
    assert.throws(() => parseExecCredential(Buffer.from('not json'), V1), /getting credentials: decoding stdout/);
    assert.throws(() => parseExecCredential(answer({ token: 't' }, 'client.authentication.k8s.io/v1beta1'), V1), /exec plugin is configured to use API version client.authentication.k8s.io\/v1, plugin returned version client.authentication.k8s.io\/v1beta1/);
    assert.throws(() => parseExecCredential(Buffer.from(JSON.stringify({ apiVersion: V1, kind: 'ExecCredential' })), V1), /exec plugin didn't return a status field/);
    assert.throws(() => parseExecCredential(answer({}), V1), /exec plugin didn't return a token or cert\/key pair/);
    assert.throws(() => parseExecCredential(answer({ clientCertificateData: 'CERT' }), V1), /exec plugin returned only certificate or key, not both/);
    assert.throws(() => parseExecCredential(answer({ token: 't', expirationTimestamp: 'soon' }), V1), /expirationTimestamp is not a time/);
  });
});

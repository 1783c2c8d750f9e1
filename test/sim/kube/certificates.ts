// A throwaway certificate authority and API server certificate (SAN IP:127.0.0.1, IP:::1, DNS:localhost and
// DNS:kube.squirrly.test, a name only the network tests' proxies resolve), made per start with the
// openssl CLI so clients can verify TLS exactly as against a real cluster.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServerCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export async function createServerCertificates(): Promise<ServerCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'squirrly-sim-tls-'));
  const file = (name: string) => join(dir, name);
  try {
    await run('openssl', [
      'req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2',
      '-subj', '/CN=squirrly-sim-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run('openssl', ['req', '-new', ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=kube-apiserver']);
    await writeFile(
      file('server.ext'),
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' +
        'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,DNS:kube.squirrly.test\n',
    );
    await run('openssl', [
      'x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-set_serial', '1',
      '-out', file('server.crt'), '-days', '2', '-extfile', file('server.ext'),
    ]);
    return {
      caPem: await readFile(file('ca.crt'), 'utf8'),
      certPem: await readFile(file('server.crt'), 'utf8'),
      keyPem: await readFile(file('server.key'), 'utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

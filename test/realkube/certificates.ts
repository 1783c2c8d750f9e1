// The control plane's PKI, made per start with the openssl CLI: one CA that signs the API server's and
// the kubelet's serving certificates and every client certificate (the API server's kubelet client and
// test users), plus the service-account signing key pair.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface KeyPair {
  certFile: string;
  keyFile: string;
}

export interface ControlPlanePki {
  dir: string;
  caFile: string;
  caPem: string;
  apiServer: KeyPair;
  kubelet: KeyPair;
  kubeletClient: KeyPair;
  serviceAccountKeyFile: string;
  serviceAccountPublicFile: string;
  /** a client certificate signed by the CA: CN is the user name, each O a group */
  clientCertificate(user: string, groups?: string[]): Promise<{ certPem: string; keyPem: string }>;
}

let serial = 1;

async function signed(dir: string, name: string, subject: string, extensions: string): Promise<KeyPair> {
  const file = (suffix: string) => join(dir, `${name}.${suffix}`);
  await run('openssl', ['req', '-new', ...ecKey, '-keyout', file('key'), '-out', file('csr'), '-subj', subject]);
  await writeFile(file('ext'), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n${extensions}\n`);
  await run('openssl', [
    'x509', '-req', '-in', file('csr'), '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'),
    '-set_serial', String(++serial), '-out', file('crt'), '-days', '2', '-extfile', file('ext'),
  ]);
  return { certFile: file('crt'), keyFile: file('key') };
}

/** openssl -subj text; names are the test's own, but keep them from breaking the syntax */
function subjectPart(value: string): string {
  if (!/^[A-Za-z0-9:._-]+$/.test(value)) throw new Error(`unsupported certificate name ${JSON.stringify(value)}`);
  return value;
}

export async function createControlPlanePki(dir: string, serviceIp: string): Promise<ControlPlanePki> {
  await run('openssl', [
    'req', '-x509', ...ecKey, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-days', '2',
    '-subj', '/CN=squirrly-realkube-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const apiServer = await signed(
    dir, 'apiserver', '/CN=kube-apiserver',
    `extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:${serviceIp},DNS:localhost,DNS:kubernetes.default.svc`,
  );
  const kubelet = await signed(dir, 'kubelet', '/CN=kwok-kubelet', 'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost');
  const kubeletClient = await signed(dir, 'kubelet-client', '/O=system:masters/CN=kube-apiserver-kubelet-client', 'extendedKeyUsage=clientAuth');
  const serviceAccountKeyFile = join(dir, 'sa.key');
  const serviceAccountPublicFile = join(dir, 'sa.pub');
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', serviceAccountKeyFile]);
  await run('openssl', ['pkey', '-in', serviceAccountKeyFile, '-pubout', '-out', serviceAccountPublicFile]);
  const caFile = join(dir, 'ca.crt');
  let users = 0;
  return {
    dir,
    caFile,
    caPem: await readFile(caFile, 'utf8'),
    apiServer,
    kubelet,
    kubeletClient,
    serviceAccountKeyFile,
    serviceAccountPublicFile,
    async clientCertificate(user, groups = []) {
      const subject = [...groups.map((g) => `/O=${subjectPart(g)}`), `/CN=${subjectPart(user)}`].join('');
      const pair = await signed(dir, `user-${++users}`, subject, 'extendedKeyUsage=clientAuth');
      return { certPem: await readFile(pair.certFile, 'utf8'), keyPem: await readFile(pair.keyFile, 'utf8') };
    },
  };
}

// Throwaway certificates for a JobManager REST API over TLS: a CA and a server certificate for the
// given DNS names, and a second CA with a client certificate for mutual TLS. Made with the openssl CLI.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface FlinkTlsCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
  clientCaPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

export async function createFlinkTlsCertificates(serverNames: string[]): Promise<FlinkTlsCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'squirrly-flink-tls-'));
  const file = (name: string) => join(dir, name);
  const ca = async (name: string) =>
    run('openssl', ['req', '-x509', ...ecKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`), '-days', '2', '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const leaf = async (name: string, signer: string, ext: string) => {
    await run('openssl', ['req', '-new', ...ecKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${name}`]);
    await writeFile(file(`${name}.ext`), ext);
    await run('openssl', ['x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${signer}.crt`), '-CAkey', file(`${signer}.key`), '-set_serial', '2',
      '-out', file(`${name}.crt`), '-days', '2', '-extfile', file(`${name}.ext`)]);
  };
  try {
    await ca('flink-rest-ca');
    await ca('flink-client-ca');
    await leaf('flink-rest', 'flink-rest-ca', `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=${serverNames.map((n) => `DNS:${n}`).join(',')}\n`);
    await leaf('flink-client', 'flink-client-ca', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
    const read = (name: string) => readFile(file(name), 'utf8');
    return {
      caPem: await read('flink-rest-ca.crt'),
      certPem: await read('flink-rest.crt'),
      keyPem: await read('flink-rest.key'),
      clientCaPem: await read('flink-client-ca.crt'),
      clientCertPem: await read('flink-client.crt'),
      clientKeyPem: await read('flink-client.key'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// A real exec credential helper for tests: a small Node program behind a /bin/sh wrapper, steered
// by the environment the kubeconfig gives it (users[].user.exec.env). It records each run and its
// KUBERNETES_EXEC_INFO, can prompt on stderr and read the token from stdin like a device-code
// login, can wait, fail, rotate tokens, or answer with a client certificate.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const HELPER_JS = String.raw`
const fs = require('node:fs');
const env = process.env;
const runs = env.HELPER_RUNS ? (fs.existsSync(env.HELPER_RUNS) ? fs.readFileSync(env.HELPER_RUNS, 'utf8').split('\n').filter(Boolean).length : 0) + 1 : 1;
if (env.HELPER_RUNS) fs.appendFileSync(env.HELPER_RUNS, JSON.stringify({ pid: process.pid, info: env.KUBERNETES_EXEC_INFO ?? null, stdinIsTTY: process.stdin.isTTY === true }) + '\n');
const answer = (token) => {
  const status = {};
  if (token) status.token = token;
  if (env.HELPER_CERT_FILE) {
    status.clientCertificateData = fs.readFileSync(env.HELPER_CERT_FILE, 'utf8');
    status.clientKeyData = fs.readFileSync(env.HELPER_KEY_FILE, 'utf8');
  }
  if (env.HELPER_EXPIRES_IN_MS) status.expirationTimestamp = new Date(Date.now() + Number(env.HELPER_EXPIRES_IN_MS)).toISOString();
  process.stdout.write(JSON.stringify({ apiVersion: env.HELPER_API_VERSION || 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status }));
};
const token = runs === 1 && env.HELPER_FIRST_TOKEN ? env.HELPER_FIRST_TOKEN : env.HELPER_TOKEN;
if (env.HELPER_EXIT) { process.stderr.write('helper: giving up\n'); process.exit(Number(env.HELPER_EXIT)); }
if (env.HELPER_PROMPT) {
  process.stderr.write(env.HELPER_PROMPT);
  let typed = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    typed += chunk;
    const line = typed.split(/\r?\n/)[0];
    if (typed.includes('\n') || typed.includes('\r')) { process.stderr.write('helper: thanks\n'); answer(line.trim()); process.exit(0); }
  });
  process.stdin.on('end', () => { process.stderr.write('helper: no input\n'); process.exit(1); });
} else {
  setTimeout(() => answer(token), Number(env.HELPER_SLEEP_MS || 0));
}
`;

/** Writes the helper into `dir` and returns the path of its executable wrapper. */
export function writeExecPlugin(dir: string, name = 'squirrly-login'): string {
  mkdirSync(dir, { recursive: true });
  const js = path.join(dir, `${name}.cjs`);
  writeFileSync(js, HELPER_JS);
  const wrapper = path.join(dir, name);
  writeFileSync(wrapper, `#!/bin/sh\nexec '${process.execPath}' '${js}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

export interface ExecUserOptions {
  command: string;
  apiVersion?: string;
  interactiveMode?: string;
  provideClusterInfo?: boolean;
  installHint?: string;
  env?: Record<string, string>;
}

/** A kubeconfig for `server` whose user logs in through an exec helper. */
export function execKubeconfig(options: { server: string; caPem: string; namespace: string; exec: ExecUserOptions; clusterExtra?: string }): string {
  const env = Object.entries(options.exec.env ?? {});
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: sim',
    '  cluster:',
    `    server: ${options.server}`,
    `    certificate-authority-data: ${Buffer.from(options.caPem).toString('base64')}`,
    ...(options.clusterExtra ? [options.clusterExtra] : []),
    'users:',
    '- name: helper-user',
    '  user:',
    '    exec:',
    `      apiVersion: ${options.exec.apiVersion ?? 'client.authentication.k8s.io/v1'}`,
    `      command: ${JSON.stringify(options.exec.command)}`,
    ...(options.exec.interactiveMode ? [`      interactiveMode: ${options.exec.interactiveMode}`] : []),
    ...(options.exec.provideClusterInfo ? ['      provideClusterInfo: true'] : []),
    ...(options.exec.installHint ? [`      installHint: ${JSON.stringify(options.exec.installHint)}`] : []),
    ...(env.length > 0 ? ['      env:', ...env.flatMap(([name, value]) => [`      - name: ${name}`, `        value: ${JSON.stringify(value)}`])] : []),
    'contexts:',
    '- name: sim',
    '  context:',
    '    cluster: sim',
    '    user: helper-user',
    `    namespace: ${options.namespace}`,
    'current-context: sim',
    '',
  ].join('\n');
}

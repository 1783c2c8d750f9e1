// The kubeconfig's exec credential helper (aws, gke-gcloud-auth-plugin, kubelogin…) run the way
// client-go runs it, because client-node's runner swallows the helper's prompts: the helper writes
// to the terminal's stderr, reads the terminal when interactiveMode allows it, and gets
// KUBERNETES_EXEC_INFO. One helper runs at a time; its answer is kept until it expires or the API
// server rejects it; a helper still running when the plugin exits is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { SquirrlyError } from '../errors.ts';
import type { Credential, CredentialSource } from './credentials.ts';
import type { ExecConfig } from './kubeconfig-entries.ts';

const API_VERSIONS = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);
/** an ExecCredential is a few KiB; a helper that prints more is not answering the protocol */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** spec.cluster of the ExecCredential, as client-go fills it when provideClusterInfo is set. */
export interface ExecClusterInfo {
  server: string;
  tlsServerName?: string;
  insecureSkipTlsVerify?: boolean;
  /** base64 of the CA bundle, like the kubeconfig's certificate-authority-data */
  certificateAuthorityData?: string;
  proxyUrl?: string;
  disableCompression?: boolean;
  config?: unknown;
}

/** What the helper may use of the terminal, and how the CLI makes room for it. */
export interface HelperTerminal {
  /** client-go checks stdin: only then may a helper prompt and read */
  stdinIsTerminal: boolean;
  /** the helper's stderr: the plugin's own (the terminal) unless a test captures it */
  stderr: 'inherit' | NodeJS.WritableStream;
  /** called before a helper starts and after it ends: the CLI stops its spinner meanwhile */
  pause?(): void;
  resume?(): void;
}

export interface ExecCredentialOptions {
  exec: ExecConfig;
  /** the kubeconfig user's name, for client-go's messages */
  userName: string;
  cluster: ExecClusterInfo;
  terminal: HelperTerminal;
  env: NodeJS.ProcessEnv;
  now?: () => number;
}

export class ExecCredentialHelper implements CredentialSource {
  readonly #options: ExecCredentialOptions;
  #cached: { credential: Credential; expiresAt: number | undefined } | undefined;
  #running: Promise<Credential> | undefined;
  #children = new Set<ChildProcess>();
  readonly #killAll = (): void => {
    for (const child of this.#children) child.kill('SIGTERM');
  };

  constructor(options: ExecCredentialOptions) {
    this.#options = options;
  }

  get kind(): 'exec' {
    return 'exec';
  }

  /** The helper's command as the user wrote it, never its arguments or output. */
  get command(): string {
    return this.#options.exec.command;
  }

  current(): Promise<Credential> {
    const now = (this.#options.now ?? Date.now)();
    const cached = this.#cached;
    if (cached && (cached.expiresAt === undefined || now <= cached.expiresAt)) return Promise.resolve(cached.credential);
    // one helper at a time: an interactive login must not be asked twice
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  rejected(credential: Credential): boolean {
    if (this.#cached?.credential === credential) this.#cached = undefined;
    return true;
  }

  /** Ends a helper that is still running (the plugin is exiting). */
  dispose(): void {
    this.#killAll();
  }

  async #run(): Promise<Credential> {
    const { exec, terminal } = this.#options;
    if (!API_VERSIONS.has(exec.apiVersion)) throw failure(`exec plugin: invalid apiVersion ${JSON.stringify(exec.apiVersion)}`);
    const interactive = interactiveFor(exec, terminal.stdinIsTerminal, this.#options.userName);
    const env: NodeJS.ProcessEnv = { ...this.#options.env };
    for (const { name, value } of exec.env) env[name] = value;
    env['KUBERNETES_EXEC_INFO'] = execInfo(exec, interactive, this.#options.cluster);

    terminal.pause?.();
    process.once('exit', this.#killAll);
    let output: { stdout: Buffer; code: number | null; signal: NodeJS.Signals | null };
    try {
      output = await this.#spawn(env, interactive);
    } finally {
      process.removeListener('exit', this.#killAll);
      terminal.resume?.();
    }
    if (output.code !== 0) {
      const how = output.code === null ? `was ended by ${output.signal ?? 'a signal'}` : `failed with exit code ${output.code}`;
      throw failure(`getting credentials: exec: executable ${exec.command} ${how}`);
    }
    const parsed = parseExecCredential(output.stdout, exec.apiVersion);
    this.#cached = parsed;
    return parsed.credential;
  }

  #spawn(env: NodeJS.ProcessEnv, interactive: boolean): Promise<{ stdout: Buffer; code: number | null; signal: NodeJS.Signals | null }> {
    const { exec, terminal } = this.#options;
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(exec.command, exec.args, {
          env,
          stdio: [interactive ? 'inherit' : 'ignore', 'pipe', terminal.stderr === 'inherit' ? 'inherit' : 'pipe'],
        });
      } catch (err) {
        reject(notFound(exec, err));
        return;
      }
      this.#children.add(child);
      const chunks: Buffer[] = [];
      let size = 0;
      child.stdout?.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_OUTPUT_BYTES) chunks.push(chunk);
        else child.kill('SIGTERM');
      });
      if (terminal.stderr !== 'inherit') child.stderr?.pipe(terminal.stderr, { end: false });
      child.once('error', (err) => {
        this.#children.delete(child);
        reject(notFound(exec, err));
      });
      child.once('close', (code, signal) => {
        this.#children.delete(child);
        if (size > MAX_OUTPUT_BYTES) reject(failure(`getting credentials: exec plugin ${exec.command} printed more than ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB`));
        else resolve({ stdout: Buffer.concat(chunks), code, signal });
      });
    });
  }
}

/** client-go's isInteractive: whether the helper gets stdin, or why it cannot run at all. */
export function interactiveFor(exec: ExecConfig, stdinIsTerminal: boolean, userName: string): boolean {
  // client-go defaults a missing mode to IfAvailable for v1beta1; v1 makes the kubeconfig say it
  const mode = exec.interactiveMode ?? (exec.apiVersion === 'client.authentication.k8s.io/v1beta1' ? 'IfAvailable' : undefined);
  switch (mode) {
    case 'Never':
      return false;
    case 'IfAvailable':
      return stdinIsTerminal;
    case 'Always':
      if (!stdinIsTerminal) throw failure('getting credentials: exec plugin cannot support interactive mode: standard input is not a terminal', 'run the command in a terminal, or log in first so the helper needs no input');
      return true;
    case undefined:
      throw failure(`interactiveMode must be specified for ${userName} to use exec authentication plugin`);
    default:
      throw failure(`invalid interactiveMode for ${userName}: ${JSON.stringify(mode)}`);
  }
}

/** KUBERNETES_EXEC_INFO exactly as client-go encodes it (field order and omissions of its Go types). */
export function execInfo(exec: ExecConfig, interactive: boolean, cluster: ExecClusterInfo): string {
  const spec: Record<string, unknown> = {};
  if (exec.provideClusterInfo) {
    spec['cluster'] = {
      server: cluster.server,
      ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
      ...(cluster.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
      ...(cluster.certificateAuthorityData ? { 'certificate-authority-data': cluster.certificateAuthorityData } : {}),
      ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
      ...(cluster.disableCompression ? { 'disable-compression': true } : {}),
      ...(cluster.config !== undefined && cluster.config !== null ? { config: cluster.config } : {}),
    };
  }
  spec['interactive'] = interactive;
  return `${JSON.stringify({ kind: 'ExecCredential', apiVersion: exec.apiVersion, spec })}\n`;
}

/** The helper's stdout → the credential and when it expires, with client-go's checks and words. */
export function parseExecCredential(stdout: Buffer, apiVersion: string): { credential: Credential; expiresAt: number | undefined } {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout.toString('utf8'));
  } catch (err) {
    throw failure(`getting credentials: decoding stdout: ${err instanceof Error ? err.message.split('\n')[0] : 'not JSON'}`);
  }
  const obj = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
  if (obj['apiVersion'] !== apiVersion || obj['kind'] !== 'ExecCredential') {
    const returned = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
    throw failure(`getting credentials: exec plugin is configured to use API version ${apiVersion}, plugin returned version ${JSON.stringify(returned).slice(1, -1) || '(none)'}`);
  }
  const status = typeof obj['status'] === 'object' && obj['status'] !== null ? (obj['status'] as Record<string, unknown>) : undefined;
  if (!status) throw failure("getting credentials: exec plugin didn't return a status field");
  const field = (key: string): string => (typeof status[key] === 'string' ? (status[key] as string) : '');
  const token = field('token');
  const certPem = field('clientCertificateData');
  const keyPem = field('clientKeyData');
  if (!token && !certPem && !keyPem) throw failure("getting credentials: exec plugin didn't return a token or cert/key pair");
  if (!certPem !== !keyPem) throw failure('getting credentials: exec plugin returned only certificate or key, not both');
  const expiry = field('expirationTimestamp');
  const expiresAt = expiry ? Date.parse(expiry) : undefined;
  if (expiresAt !== undefined && Number.isNaN(expiresAt)) throw failure('getting credentials: decoding stdout: expirationTimestamp is not a time');
  return { credential: { ...(token ? { token } : {}), ...(certPem ? { certPem, keyPem } : {}) }, expiresAt };
}

function notFound(exec: ExecConfig, err: unknown): SquirrlyError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') {
    // client-go's words, then the kubeconfig's installHint (ANSI stripped: it comes from a file)
    const hint = exec.installHint ? withoutControlCharacters(exec.installHint) : 'install the credential plugin this kubeconfig user names, or fix users[].user.exec.command';
    return failure(`getting credentials: exec: executable ${exec.command} not found`, hint);
  }
  return failure(`getting credentials: exec: ${err instanceof Error ? err.message : String(err)}`);
}

function failure(message: string, hint?: string): SquirrlyError {
  return new SquirrlyError(message, hint === undefined ? {} : { hint });
}

/** client-go's cleanANSIEscapeCodes, roughly: no escape or control characters other than newlines and tabs. */
function withoutControlCharacters(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

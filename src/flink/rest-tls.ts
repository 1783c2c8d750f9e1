// Flink's REST API over TLS (security.ssl.rest.enabled) through a tunnel that carries bytes: a
// local plain-HTTP endpoint whose every connection is one TLS connection through the tunnel, so
// the REST client, downloads and retries stay as they are. The certificate is checked against the
// CA given (else the default roots) and against the names the JobManager is known by in the cluster.
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { describeCause, SquirrlyError } from '../errors.ts';

/** What the user said about the REST API's TLS, as the flags give it. */
export interface RestTlsFlags {
  caFile?: string;
  insecureSkipVerify?: boolean;
  clientCert?: string;
  clientKey?: string;
  serverName?: string;
}

/** The TLS client settings, files read. */
export interface RestTlsSettings {
  ca?: string;
  cert?: string;
  key?: string;
  insecureSkipVerify: boolean;
  /** names the certificate may carry; the first one is sent as SNI */
  serverNames: string[];
}

/** Any TLS flag given means the user expects TLS, whatever the deployment declares. */
export function hasTlsFlags(flags: RestTlsFlags | undefined): boolean {
  return !!flags && (flags.caFile !== undefined || flags.insecureSkipVerify === true || flags.clientCert !== undefined || flags.clientKey !== undefined || flags.serverName !== undefined);
}

const maxPemBytes = 1024 * 1024;

export async function readRestTls(flags: RestTlsFlags, defaultServerNames: string[]): Promise<RestTlsSettings> {
  if ((flags.clientCert === undefined) !== (flags.clientKey === undefined)) {
    throw new SquirrlyError('--flink-client-cert and --flink-client-key go together', { hint: 'pass both: the certificate and its private key', exitCode: 2 });
  }
  const [ca, cert, key] = await Promise.all([
    readPem(flags.caFile, '--flink-ca-file'),
    readPem(flags.clientCert, '--flink-client-cert'),
    readPem(flags.clientKey, '--flink-client-key'),
  ]);
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    insecureSkipVerify: flags.insecureSkipVerify === true,
    serverNames: flags.serverName ? [flags.serverName] : defaultServerNames,
  };
}

async function readPem(file: string | undefined, flag: string): Promise<string | undefined> {
  if (file === undefined) return undefined;
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (err) {
    throw new SquirrlyError(`${flag} ${file} cannot be read: ${describeCause(err)}`, { hint: `pass a PEM file to ${flag}`, exitCode: 2 });
  }
  if (text.length > maxPemBytes || !text.includes('-----BEGIN ')) {
    throw new SquirrlyError(`${flag} ${file} is not a PEM file`, { hint: `pass a PEM file ("-----BEGIN …") to ${flag}`, exitCode: 2 });
  }
  return text.toString('utf8');
}

export interface TlsEndpoint {
  /** plain HTTP for the caller, TLS towards the JobManager */
  readonly baseUrl: string;
  /** why the last TLS connection failed, with the flag that fixes it */
  lastProblem(): SquirrlyError | undefined;
  close(): Promise<void>;
}

/** A local endpoint that speaks TLS to whatever `tunnelUrl` (a plain TCP tunnel) reaches. */
export async function originateTls(tunnelUrl: string, settings: RestTlsSettings): Promise<TlsEndpoint> {
  const tunnel = new URL(tunnelUrl);
  const sockets = new Set<net.Socket>();
  let lastProblem: SquirrlyError | undefined;
  const server = net.createServer((local) => {
    sockets.add(local);
    local.on('close', () => sockets.delete(local));
    local.on('error', () => local.destroy());
    const secure = tls.connect({
      host: tunnel.hostname,
      port: Number(tunnel.port),
      ...(settings.serverNames[0] && !net.isIP(settings.serverNames[0]) ? { servername: settings.serverNames[0] } : {}),
      ...(settings.ca ? { ca: settings.ca } : {}),
      ...(settings.cert ? { cert: settings.cert } : {}),
      ...(settings.key ? { key: settings.key } : {}),
      rejectUnauthorized: !settings.insecureSkipVerify,
      checkServerIdentity: (_host, cert) => checkIdentity(settings.serverNames, cert),
    });
    sockets.add(secure);
    secure.on('close', () => sockets.delete(secure));
    secure.on('secureConnect', () => {
      local.pipe(secure);
      secure.pipe(local);
    });
    secure.on('error', (err) => {
      lastProblem = tlsProblem(err, settings);
      local.destroy();
    });
    local.on('close', () => secure.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    lastProblem: () => lastProblem,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The certificate is good for any one of the names (the service's short and long DNS names). */
function checkIdentity(names: string[], cert: tls.PeerCertificate): Error | undefined {
  let first: Error | undefined;
  for (const name of names) {
    const failed = tls.checkServerIdentity(name, cert);
    if (failed === undefined) return undefined;
    first ??= failed;
  }
  return first ?? new Error('no name to check the certificate against');
}

function tlsProblem(err: Error & { code?: string }, settings: RestTlsSettings): SquirrlyError {
  const code = err.code ?? '';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new SquirrlyError(`the JobManager's REST certificate is not for ${settings.serverNames.join(', ')} (${err.message})`, {
      hint: 'pass --flink-tls-server-name with a name the certificate carries, or --flink-insecure-skip-tls-verify',
    });
  }
  // an alert is the server's verdict on us (no or a wrong client certificate), checked before our verdict on it
  if (/ALERT_CERTIFICATE_REQUIRED|ALERT_HANDSHAKE_FAILURE|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA/.test(code) || /certificate required/i.test(err.message)) {
    return new SquirrlyError(`the JobManager's REST API refused the TLS connection (${code || err.message}): it asks for a client certificate (security.ssl.rest.authentication-enabled)`, {
      hint: 'pass --flink-client-cert and --flink-client-key with a certificate its truststore accepts',
    });
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) {
    return new SquirrlyError(`the JobManager's REST certificate is not trusted (${code})`, {
      hint: settings.ca
        ? 'the CA given with --flink-ca-file did not sign it: pass the CA of the REST certificate (security.ssl.rest.truststore)'
        : 'pass --flink-ca-file with the CA that signed it (the one in security.ssl.rest.truststore), or --flink-insecure-skip-tls-verify',
    });
  }
  return new SquirrlyError(`TLS to the JobManager's REST API failed: ${describeCause(err)}`, {
    hint: 'check security.ssl.rest.* of the deployment, or pass --flink-insecure-skip-tls-verify to rule out the certificate',
  });
}

/**
 * Whether whatever `tunnelUrl` reaches answers a TLS handshake: the way to tell a plain-HTTP
 * request that failed because the port wants TLS from one that failed for another reason.
 */
export function speaksTls(tunnelUrl: string, timeoutMs: number): Promise<boolean> {
  const tunnel = new URL(tunnelUrl);
  return new Promise<boolean>((resolve) => {
    const socket = tls.connect({ host: tunnel.hostname, port: Number(tunnel.port), rejectUnauthorized: false });
    const done = (answer: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('secureConnect', () => done(true));
    // an alert is a TLS answer too (a server that insists on a client certificate, say)
    socket.on('error', (err: Error & { code?: string }) => done(/ALERT/.test(err.code ?? '')));
  });
}

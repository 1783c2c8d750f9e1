// The roots kubectl trusts when a kubeconfig names no CA: the operating system's store. Node
// trusts only its bundled roots by default, so a company CA installed on the machine (or named by
// SSL_CERT_FILE / SSL_CERT_DIR) would fail with UNABLE_TO_VERIFY_LEAF_SIGNATURE. A kubeconfig CA
// still replaces the defaults for its cluster, as in client-go, because a `ca` option always does.
import tls from 'node:tls';

let trusted = false;

/** Adds the system's roots to Node's default ones, once per process. */
export function trustSystemCertificates(): void {
  if (trusted) return;
  trusted = true;
  let system: string[];
  try {
    system = tls.getCACertificates('system');
  } catch {
    return; // no readable system store: the bundled roots stay
  }
  if (system.length === 0) return;
  tls.setDefaultCACertificates([...new Set([...tls.getCACertificates('default'), ...system])]);
}

// The credential a request was started with. It is fetched before the request's deadline starts
// (a login may take minutes); preparing the request then uses it instead of asking the source,
// or a helper, a second time.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Credential } from './credentials.ts';

const current = new AsyncLocalStorage<Credential>();

export function withCredential<T>(credential: Credential, work: () => Promise<T>): Promise<T> {
  return current.run(credential, work);
}

export function credentialOfThisRequest(): Credential | undefined {
  return current.getStore();
}

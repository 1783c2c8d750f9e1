// Credentials never leave the process in text: the model API key and the userinfo of any URL are
// blanked in everything printed or saved. The streaming form holds back the end of each chunk that
// could be the start of a key, so a key split across chunks of a streamed answer is caught too.

export const REDACTED = '[redacted]';

/** `scheme://user:pass@host` → `scheme://[redacted]@host`; a URL without userinfo is unchanged. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/** Shorter values are not blanked: they would match ordinary words (and are no real keys). */
const MIN_SECRET_CHARS = 8;

export class SecretScrubber {
  #secrets: string[] = [];

  constructor(secrets: Iterable<string | undefined> = []) {
    this.add(secrets);
  }

  /** More secrets, e.g. the credentials of a URL given on the command line. */
  add(secrets: Iterable<string | undefined>): this {
    const kept = new Set(this.#secrets);
    for (const s of secrets) if (s !== undefined && s.trim().length >= MIN_SECRET_CHARS) kept.add(s.trim());
    // longest first, so a key that contains another is blanked whole
    this.#secrets = [...kept].sort((a, b) => b.length - a.length);
    return this;
  }

  /** Adds the user and password of these URLs. */
  addUrls(urls: Iterable<string | undefined>): this {
    return this.add([...urls].flatMap(userinfoParts));
  }

  /** The secrets of an environment: the model endpoints' API keys, the push credentials, and credentials in their URLs. */
  static fromEnv(env: NodeJS.ProcessEnv): SecretScrubber {
    return new SecretScrubber([env.OPENAI_API_KEY, env.AZURE_OPENAI_API_KEY, env.SQUIRRLY_PUSH_TOKEN, env.SQUIRRLY_PUSH_PASSWORD])
      .addUrls([env.OPENAI_BASE_URL, env.AZURE_OPENAI_ENDPOINT, env.SQUIRRLY_PUSH_URL]);
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.#secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out.replace(URL_USERINFO, `$1${REDACTED}@`);
  }

  /** A scrubber for a text that arrives in chunks: push each, flush at the end. */
  stream(): { push(chunk: string): string; flush(): string } {
    let held = '';
    return {
      push: (chunk) => {
        const text = this.scrub(held + chunk);
        // only a tail that could be the start of a secret waits for the next chunk
        const cut = text.length - this.#possibleStart(text);
        held = text.slice(cut);
        return text.slice(0, cut);
      },
      flush: () => {
        const rest = this.scrub(held);
        held = '';
        return rest;
      },
    };
  }

  /** The length of the longest end of `text` that begins some secret. */
  #possibleStart(text: string): number {
    let longest = 0;
    for (const secret of this.#secrets) {
      for (let k = Math.min(secret.length - 1, text.length); k > longest; k--) {
        if (text.endsWith(secret.slice(0, k))) {
          longest = k;
          break;
        }
      }
    }
    return longest;
  }
}

/** The user and password of a URL, decoded and as written. */
function userinfoParts(url: string | undefined): string[] {
  if (url === undefined) return [];
  try {
    const u = new URL(url);
    return [u.username, u.password, decodeURIComponent(u.username), decodeURIComponent(u.password)].filter((p) => p !== '');
  } catch {
    return [];
  }
}

/** A URL as it may be shown: without user and password. */
export function withoutUserinfo(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(URL_USERINFO, '$1');
  }
}

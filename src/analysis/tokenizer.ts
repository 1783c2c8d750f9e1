// Token counting with the o200k_base encoding (gpt-4o family). The 2 MB rank table loads on first use only.
import type { Tiktoken } from 'js-tiktoken/lite';

let encoder: Promise<Tiktoken> | undefined;

async function loadEncoder(): Promise<Tiktoken> {
  const [{ Tiktoken }, ranks] = await Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/o200k_base')]);
  return new Tiktoken(ranks.default);
}

/** A counter bound to the loaded encoding, so callers can count many candidates synchronously. */
export type TokenCounter = (text: string) => number;

export async function tokenCounter(): Promise<TokenCounter> {
  encoder ??= loadEncoder();
  const enc = await encoder;
  // Special-token text such as "<|endoftext|>" in a frame name is counted as plain text, never rejected.
  return (text) => enc.encode(text, [], []).length;
}

/** Tokens a chat request costs: each message's content plus the chat format's fixed per-message overhead. */
export function chatTokens(count: TokenCounter, messages: ReadonlyArray<{ role: string; content: string }>): number {
  const perMessage = 3;
  const replyPriming = 3;
  return messages.reduce((sum, m) => sum + perMessage + count(m.role) + count(m.content), replyPriming);
}

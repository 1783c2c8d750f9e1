// The openai SDK behind one module, so the CLI loads it (and the single binary splits it off) only when used.
export { default as OpenAI, AzureOpenAI, APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from 'openai';

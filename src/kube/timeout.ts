// Every Kubernetes API call has a deadline, an answer-size cap and the command's abort signal.
// client-node's generated APIs take a per-call HTTP library: this one hands the request the
// signal (so a deadline or Ctrl-C drops the connection at once instead of leaving it to run) and
// reads the body through the cap (a 200 MB pod list fails after 64 MiB instead of costing 1 GB).
import { ByteCapError, describeBytes, readCapped } from '../byte-cap.ts';
import { formatMs, IdleDeadline } from '../deadline.ts';
import { InterruptedError, SquirrlyError } from '../errors.ts';
import { IsomorphicFetchHttpLibrary, ResponseContext, type ConfigurationOptions, type HttpLibrary, type Observable, type RequestContext, type ResponseBody } from './client-node.ts';

export { formatMs };

/** 64 MiB: a list of a few thousand pods; far beyond what one FlinkDeployment has. */
export const MAX_KUBE_ANSWER_BYTES = 64 * 1024 * 1024;

/** One bounded API call: `work` gets the options to pass as the generated method's last argument. */
export async function boundedCall<T>(
  what: string,
  limits: { timeoutMs: number; maxBytes?: number; signal?: AbortSignal },
  work: (options: ConfigurationOptions) => Promise<T>,
): Promise<T> {
  // an API answer is small: one deadline for headers and body together
  const deadline = new IdleDeadline(limits.timeoutMs, { idle: false, ...(limits.signal ? { parent: limits.signal } : {}) });
  const cap = limits.maxBytes ?? MAX_KUBE_ANSWER_BYTES;
  const tooBig = (): ByteCapError =>
    new ByteCapError(`${what}: the answer is larger than ${describeBytes(cap)}, the cap for one API answer; refusing to read it`, cap, 'check that the server is a Kubernetes API server, and narrow the namespace (-n)');
  try {
    return await work({ httpApi: new BoundedHttpLibrary(deadline, cap, tooBig) });
  } catch (err) {
    if (limits.signal?.aborted) throw new InterruptedError();
    if (deadline.expired) {
      const phase = deadline.expired === 'answer' ? 'waiting for the answer' : `reading the answer (${describeBytes(deadline.bytes)} arrived)`;
      throw new SquirrlyError(`${what} timed out after ${formatMs(deadline.ms)} ${phase}`, { hint: 'raise --request-timeout, or check the network' });
    }
    throw err;
  } finally {
    deadline.dispose();
  }
}

class BoundedHttpLibrary implements HttpLibrary {
  readonly #inner = new IsomorphicFetchHttpLibrary();
  readonly #deadline: IdleDeadline;
  readonly #cap: number;
  readonly #tooBig: () => ByteCapError;
  constructor(deadline: IdleDeadline, cap: number, tooBig: () => ByteCapError) {
    this.#deadline = deadline;
    this.#cap = cap;
    this.#tooBig = tooBig;
  }

  send(request: RequestContext): Observable<ResponseContext> {
    request.setSignal(this.#deadline.signal);
    return this.#inner.send(request).pipe((response) => {
      this.#deadline.answered();
      return new ResponseContext(response.httpStatusCode, response.headers, this.#bounded(response));
    });
  }

  #bounded(response: ResponseContext): ResponseBody {
    const original = response.body;
    const announced = Number(response.headers['content-length']);
    const read = async (): Promise<Buffer> => {
      if (Number.isFinite(announced) && announced > this.#cap) {
        await original.stream()?.cancel().catch(() => undefined);
        throw this.#tooBig();
      }
      const stream = original.stream();
      if (stream === null) return original.binary();
      const body = await readCapped(stream, this.#cap, this.#tooBig);
      this.#deadline.progress(body.length);
      return body;
    };
    return { text: async () => (await read()).toString('utf8'), binary: read, stream: () => original.stream() };
  }
}

// Responses in the shapes Flink's REST endpoint uses: JSON bodies, the {"errors": [...]} error
// body, and the "Internal server error." pair that wraps exceptions the handlers did not map.

export interface SimResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';

export function jsonResponse(status: number, value: unknown): SimResponse {
  return { status, contentType: JSON_CONTENT_TYPE, body: Buffer.from(JSON.stringify(value)) };
}

export function errorResponse(status: number, ...errors: string[]): SimResponse {
  return jsonResponse(status, { errors });
}

/** An exception no handler mapped: Flink answers 500 with the stringified exception in errors[1]. */
export function internalServerError(exception: string): SimResponse {
  const trace = `<Exception on server side:\n${exception}\n\tat org.apache.flink.runtime.rest.handler.AbstractRestHandler.respondToRequest(AbstractRestHandler.java:83)\nEnd of exception on server side>`;
  return errorResponse(500, 'Internal server error.', trace);
}

/** Class names of the RestHandlerException family, as `stringifyException` prints them. */
export const REST_HANDLER_EXCEPTION = 'org.apache.flink.runtime.rest.handler.RestHandlerException';
export const NOT_FOUND_EXCEPTION = 'org.apache.flink.runtime.rest.NotFoundException';

export interface RestHandlerErrorOptions {
  /** the exception class; RestHandlerException unless given */
  exceptionClass?: string;
  /** the handler frame that threw, e.g. 'org.apache.flink...AbstractHandler.respondAsLeader(AbstractHandler.java:199)' */
  thrownAt?: string;
  /** the cause, printed as a `Caused by:` line, e.g. 'java.io.IOException: boom' */
  cause?: string;
}

/**
 * A RestHandlerException a handler threw: AbstractHandler answers its status with the whole
 * stringified exception (class, message, stack trace, causes) as the only entry of `errors`.
 */
export function restHandlerError(status: number, message: string, options: RestHandlerErrorOptions = {}): SimResponse {
  const lines = [
    `${options.exceptionClass ?? REST_HANDLER_EXCEPTION}: ${message}`,
    `\tat ${options.thrownAt ?? 'org.apache.flink.runtime.rest.handler.AbstractHandler.respondAsLeader(AbstractHandler.java:199)'}`,
    '\tat org.apache.flink.runtime.rest.handler.LeaderRetrievalHandler.lambda$channelRead0$0(LeaderRetrievalHandler.java:88)',
    '\tat java.base/java.util.Optional.ifPresent(Optional.java:178)',
    '\tat org.apache.flink.util.OptionalConsumer.ifPresent(OptionalConsumer.java:45)',
    '\tat org.apache.flink.runtime.rest.handler.LeaderRetrievalHandler.channelRead0(LeaderRetrievalHandler.java:85)',
    '\tat java.base/java.lang.Thread.run(Thread.java:840)',
  ];
  if (options.cause !== undefined) {
    lines.push(`Caused by: ${options.cause}`, '\t... 6 more');
  }
  return errorResponse(status, lines.join('\n'));
}

/** The router's answer for a path (or method) that no handler is registered for. */
export function routeNotFound(uri: string): SimResponse {
  return errorResponse(404, `Not found: ${uri}`);
}

export function fileResponse(content: Buffer): SimResponse {
  return { status: 200, contentType: 'text/plain', body: content };
}

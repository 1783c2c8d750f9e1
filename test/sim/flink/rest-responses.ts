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

/** The router's answer for a path (or method) that no handler is registered for. */
export function routeNotFound(uri: string): SimResponse {
  return errorResponse(404, `Not found: ${uri}`);
}

export function fileResponse(content: Buffer): SimResponse {
  return { status: 200, contentType: 'text/plain', body: content };
}

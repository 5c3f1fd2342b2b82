/** A response a route returns when plain JSON with the default status is not enough. */
export class HttpResponse {
  constructor(
    readonly status: number,
    readonly body: string | Buffer | undefined,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  /** JSON with a chosen status. */
  static json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
    return new HttpResponse(status, JSON.stringify(value), {
      'content-type': 'application/json',
      ...headers,
    });
  }

  /** Text content (HTML, CSS, JavaScript) with its content type. */
  static text(
    status: number,
    text: string,
    contentType: string,
    headers: Record<string, string> = {},
  ): HttpResponse {
    return new HttpResponse(status, text, { 'content-type': contentType, ...headers });
  }
}

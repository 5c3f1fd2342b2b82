/** A response a route returns when plain JSON with the default status is not enough. */
export class HttpResponse {
  constructor(
    readonly status: number,
    readonly body: string | Buffer | undefined,
    readonly headers: Readonly<Record<string, string>> = {},
    /** `Set-Cookie` values. */
    readonly cookies: readonly string[] = [],
  ) {}

  /** A copy of this response that also sets these cookies. */
  withCookies(...cookies: string[]): HttpResponse {
    return new HttpResponse(this.status, this.body, this.headers, [...this.cookies, ...cookies]);
  }

  /** A 302 redirect. */
  static redirect(location: string): HttpResponse {
    return new HttpResponse(302, '', { location });
  }

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

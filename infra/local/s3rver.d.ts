declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs: Array<string | Buffer> }[];
  }

  /** The parts of a Koa context a middleware placed before s3rver's own uses. */
  interface S3rverContext {
    /** The request path, still percent-encoded. */
    readonly path: string;
    readonly method: string;
    readonly querystring: string;
    /** The request target as received (path and query, percent-encoding included). */
    readonly originalUrl: string;
    /** A request header ('' when absent). */
    get(name: string): string;
    /** Sets a response header. */
    set(name: string, value: string): void;
    /** Adds a field to the response's Vary header. */
    vary(field: string): void;
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    readonly store: { existsObject(bucket: string, key: string): Promise<boolean> };
    status: number;
    type: string;
    body: unknown;
  }

  export type S3rverMiddleware = (ctx: S3rverContext, next: () => Promise<void>) => Promise<void>;

  export default class S3rver extends EventEmitter {
    constructor(options: S3rverOptions);
    /** Koa's middleware stack (S3rver is a Koa application). */
    middleware: S3rverMiddleware[];
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}

import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { httpHandler } from '../../../functions/kit/http-handler.ts';
import { HttpResponse } from '../../../functions/kit/http-response.ts';
import { defineRoute } from '../../../functions/kit/route-contract.ts';
import { ConflictError, NotFoundError, RateLimitedError } from '../../../shared/errors.ts';
import { getLogger } from '../../../shared/logger.ts';
import { apiEvent, testContext } from '../../support/lambda-events.ts';

const contract = defineRoute({
  route: 'POST /things/{id}',
  auth: 'public',
  summary: 'test',
  tags: ['test'],
  params: z.object({ id: z.coerce.number().int().positive() }),
  query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
  body: z.object({ name: z.string().min(1), size: z.number().int() }),
  response: z.object({ id: z.number(), name: z.string(), dryRun: z.boolean() }),
  successStatus: 201,
});

const handler = httpHandler(contract, async ({ params, body, query }) => {
  if (body.name === 'boom') throw new Error('database password is hunter2');
  if (body.name === 'missing') throw new NotFoundError('No such thing');
  if (body.name === 'dup') throw new ConflictError('Already there');
  if (body.name === 'slow') throw new RateLimitedError(12.2);
  if (body.name === 'teapot') return HttpResponse.json(418, { short: true });
  return { id: params.id, name: body.name, dryRun: query.dryRun === 'true' };
});

const json = { 'content-type': 'application/json' };

async function call(body: string | undefined, extra: { id?: string; headers?: Record<string, string> } = {}) {
  const result = await handler(
    apiEvent({
      routeKey: 'POST /things/{id}',
      body,
      headers: extra.headers ?? json,
      pathParameters: { id: extra.id ?? '7' },
    }),
    testContext(),
  );
  return { ...result, json: result.body ? (JSON.parse(result.body) as Record<string, any>) : undefined };
}

describe('httpHandler', () => {
  it('validates, calls the function and serialises with the success status', async () => {
    const res = await call(JSON.stringify({ name: 'a', size: 1 }));
    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({ id: 7, name: 'a', dryRun: false });
    expect(res.headers?.['content-type']).toBe('application/json');
    expect(res.headers?.['x-request-id']).toBeTruthy();
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const res = await call('{"name": "a",');
    expect(res.statusCode).toBe(400);
    expect(res.json?.error.code).toBe('invalid_json');
  });

  it('answers a schema violation with 400 and every failing field', async () => {
    const res = await call(JSON.stringify({ name: '', size: 'big' }), { id: '-3' });
    expect(res.statusCode).toBe(400);
    expect(res.json?.error.code).toBe('validation_failed');
    const paths = (res.json!.error.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['body.name', 'body.size', 'params.id']);
  });

  it('answers a missing body with 400 naming the body', async () => {
    const res = await call(undefined);
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json?.error.details)).toContain('body');
  });

  it('refuses a non-JSON content type with 415', async () => {
    const res = await call('name=a', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(415);
    expect(res.json?.error.code).toBe('unsupported_media_type');
  });

  it('refuses a JSON body over 1 MB with 413', async () => {
    const res = await call(JSON.stringify({ name: 'x'.repeat(1_100_000), size: 1 }));
    expect(res.statusCode).toBe(413);
  });

  it('maps domain errors through the one table', async () => {
    expect((await call(JSON.stringify({ name: 'missing', size: 1 }))).statusCode).toBe(404);
    expect((await call(JSON.stringify({ name: 'dup', size: 1 }))).statusCode).toBe(409);
    const limited = await call(JSON.stringify({ name: 'slow', size: 1 }));
    expect(limited.statusCode).toBe(429);
    expect(limited.headers?.['retry-after']).toBe('13');
    expect(limited.json?.error.code).toBe('rate_limited');
  });

  it('lets a route choose its own response', async () => {
    const res = await call(JSON.stringify({ name: 'teapot', size: 1 }));
    expect(res.statusCode).toBe(418);
    expect(res.json).toEqual({ short: true });
  });

  it('turns an unexpected throw into a generic 500 with a logged correlation id', async () => {
    const logged = vi.spyOn(getLogger(), 'error');
    const res = await call(JSON.stringify({ name: 'boom', size: 1 }));
    expect(res.statusCode).toBe(500);
    expect(res.json?.error.code).toBe('internal_error');
    expect(res.body).not.toContain('hunter2');
    const correlationId = res.headers?.['x-request-id'] as string;
    expect(res.json?.error.message).toContain(correlationId);
    expect(logged).toHaveBeenCalledWith('Unhandled error', expect.objectContaining({ correlationId }));
    logged.mockRestore();
  });
});

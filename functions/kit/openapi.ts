import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { errorEnvelopeSchema } from './error-envelope.ts';
import type { RouteContract } from './route-contract.ts';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorEnvelopeSchema } },
});

function operation(contract: RouteContract): ZodOpenApiOperationObject {
  const success = String(contract.successStatus ?? 200);
  const op: ZodOpenApiOperationObject = {
    operationId: contract.route.replace(/[^A-Za-z0-9]+/g, '_').replace(/_$/, ''),
    summary: contract.summary,
    description: contract.description,
    tags: [...contract.tags],
    responses: {
      [success]: contract.response
        ? { description: 'Success', content: { 'application/json': { schema: contract.response } } }
        : { description: 'Success', content: { [contract.produces ?? 'application/json']: {} } },
      '400': errorResponse('Invalid request (the failing fields are in `details`)'),
      '500': errorResponse('Internal error (a correlation id is logged)'),
    },
  };
  if (contract.params || contract.query) {
    op.requestParams = {
      ...(contract.params ? { path: contract.params as never } : {}),
      ...(contract.query ? { query: contract.query as never } : {}),
    };
  }
  if (contract.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: contract.body } } };
  } else if (contract.rawBody) {
    op.requestBody = {
      required: true,
      content: Object.fromEntries(
        (contract.rawBody.contentTypes ?? ['application/json']).map((type) => [type, {}]),
      ),
    };
  }
  for (const [status, description] of Object.entries(contract.errors ?? {})) {
    (op.responses as Record<string, unknown>)[status] = errorResponse(description);
  }
  return op;
}

/** Builds the OpenAPI 3.1 document of the given routes from their zod schemas. */
export function buildOpenApiDocument(
  contracts: readonly RouteContract[],
  version: string,
): Record<string, unknown> {
  const paths: ZodOpenApiPathsObject = {};
  for (const contract of contracts) {
    const [method, path] = contract.route.split(' ') as [string, string];
    paths[path] ??= {};
    (paths[path] as Record<string, ZodOpenApiOperationObject>)[method.toLowerCase()] = operation(contract);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Assay API',
      version,
      description:
        'Acceptance criteria → test ids → pull-request validation. Errors are always the `Error` envelope.',
    },
    paths,
  }) as unknown as Record<string, unknown>;
}

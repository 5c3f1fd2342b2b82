import { getOpenApi } from '../contracts/docs.ts';
import { contracts } from '../contracts/index.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { buildOpenApiDocument } from '../kit/openapi.ts';

const document = buildOpenApiDocument(contracts, '0.1.0');

export const handler = httpHandler(getOpenApi, async () => document);

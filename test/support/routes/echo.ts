import { z } from 'zod';
import { httpHandler } from '../../../functions/kit/http-handler.ts';
import { defineRoute } from '../../../functions/kit/route-contract.ts';

/** A test route that echoes the size of a JSON body. */
export const handler = httpHandler(
  defineRoute({
    route: 'POST /echo',
    auth: 'public',
    summary: 'echo',
    tags: ['test'],
    body: z.object({ text: z.string() }),
    response: z.object({ length: z.number() }),
  }),
  async ({ body }) => ({ length: body.text.length }),
);

import { CfnOutput } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { pascalCase } from './naming.ts';

/** Props of {@link StreamingRoute}. */
export interface StreamingRouteProps {
  /** The route's function (a `streamHandler`, `functions/kit/stream-handler.ts`). */
  readonly fn: lambda.IFunction;
  /** `GET /api/v1/…` route key, for the output's description. */
  readonly routeKey: string;
}

/**
 * A route whose response is streamed (Server-Sent Events). API Gateway HTTP
 * APIs buffer the whole response, so on AWS the route's function is reached
 * through its own Lambda function URL with `RESPONSE_STREAM`: the URL is
 * public (auth NONE, as streaming URLs allow NONE or IAM only) and the
 * handler authenticates every request itself exactly like the API (bearer
 * token or session cookie, then organisation access). Clients take the base
 * URL from the `EventsStreamUrl…` output and append the route's path.
 */
export class StreamingRoute extends Construct {
  readonly url: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: StreamingRouteProps) {
    super(scope, id);
    this.url = new lambda.FunctionUrl(this, 'Url', {
      function: props.fn,
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
      cors: {
        allowedOrigins: ['*'],
        allowedMethods: [lambda.HttpMethod.GET],
        allowedHeaders: ['authorization', 'last-event-id'],
      },
    });
    new CfnOutput(this, 'Output', {
      key: `EventsStreamUrl${pascalCase(id)}`,
      value: this.url.url,
      description: `Streaming base URL of ${props.routeKey} (append the route's path)`,
    });
  }
}

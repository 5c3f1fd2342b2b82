import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteAuth, RouteKey } from '../topology.types.ts';
import { acknowledge } from './nag.ts';
import { parseRouteKey } from './naming.ts';

/** One JSON object per request (no headers or bodies: they may carry tokens). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
};

/** Why a route needs no API Gateway authorizer: the handler authenticates (or the route is public). */
const AUTH_REASONS: Record<RouteAuth, string> = {
  public: 'Public by design (health, OpenAPI, docs): there is no caller identity to check.',
  webhook:
    'Authenticated in the handler by the GitHub webhook HMAC over the raw body, which an API Gateway ' +
    'authorizer cannot see.',
  session:
    'Authenticated in the handler by the session JWT cookie or Bearer API token (jose), the same code path ' +
    'as the local runtime.',
  ci: 'Authenticated in the handler by a GitHub Actions OIDC token (JWKS-verified) or a repository upload token.',
};

/** Props of {@link HttpApi}. */
export interface HttpApiProps {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The API Gateway HTTP API: one `$default` stage with throttling and JSON
 * access logs; {@link HttpApi.addRoute} adds one topology route.
 */
export class HttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** `https://{id}.execute-api.{region}.amazonaws.com` (no trailing slash). */
  readonly endpoint: string;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Assay: GitHub webhooks, CI uploads and the dashboard API',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.endpoint = this.api.apiEndpoint;
  }

  /**
   * Routes `METHOD /path` to a function (payload format 2.0). The route, its
   * integration and the function's invoke permission are made in `scope` (a
   * nested stack of routes, beside the function) rather than in this construct.
   */
  addRoute(scope: Construct, id: string, key: RouteKey, fn: lambda.IFunction, auth: RouteAuth): void {
    const { method, path } = parseRouteKey(key);
    const route = new apigw.HttpRoute(scope, id, {
      httpApi: this.api,
      routeKey: apigw.HttpRouteKey.with(path, apigw.HttpMethod[method]),
      integration: new HttpLambdaIntegration(`${method}${path}`, fn),
    });
    acknowledge(route, { 'AwsSolutions-APIG4': AUTH_REASONS[auth] });
  }
}

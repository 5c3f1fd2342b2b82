import { decodeUriComponentOrUndefined } from '../../shared/text/decode.ts';
import type { RouteEntry } from '../topology.types.ts';

export interface MatchedRoute {
  routeKey: string;
  entry: RouteEntry;
  pathParameters: Record<string, string>;
}

interface CompiledRoute {
  routeKey: string;
  method: string;
  pattern: RegExp;
  names: string[];
  entry: RouteEntry;
  /** Literal routes win over parameterised ones, as in API Gateway. */
  specificity: number;
}

function compile(routeKey: string, entry: RouteEntry): CompiledRoute {
  const [method, path] = routeKey.split(' ') as [string, string];
  const names: string[] = [];
  let specificity = 0;
  const source = path
    .split('/')
    .map((segment) => {
      const greedy = /^\{(\w+)\+\}$/.exec(segment);
      if (greedy?.[1]) {
        names.push(greedy[1]);
        return '(.+)';
      }
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param?.[1]) {
        names.push(param[1]);
        specificity += 1;
        return '([^/]+)';
      }
      specificity += 10;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { routeKey, method, pattern: new RegExp(`^${source}$`), names, entry, specificity };
}

/** Matches request paths to topology routes the way API Gateway HTTP APIs do. */
export class RouteMatcher {
  private readonly routes: CompiledRoute[];

  constructor(routes: Readonly<Record<string, RouteEntry>>) {
    this.routes = Object.entries(routes)
      .map(([key, entry]) => compile(key, entry))
      .sort((a, b) => b.specificity - a.specificity);
  }

  /**
   * The route for `method path`, whether the path exists under another method,
   * or — for a matched path whose parameter is not valid percent-encoding
   * (`%ff`, `%ZZ`) — the name of that parameter (API Gateway answers 400).
   */
  match(
    method: string,
    path: string,
  ): MatchedRoute | { methodNotAllowed: boolean } | { malformedParameter: string } {
    let pathKnown = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      pathKnown = true;
      if (route.method !== method) continue;
      const pathParameters: Record<string, string> = {};
      for (const [i, name] of route.names.entries()) {
        const decoded = decodeUriComponentOrUndefined(found[i + 1] ?? '');
        if (decoded === undefined) return { malformedParameter: name };
        pathParameters[name] = decoded;
      }
      return { routeKey: route.routeKey, entry: route.entry, pathParameters };
    }
    return { methodNotAllowed: pathKnown };
  }
}

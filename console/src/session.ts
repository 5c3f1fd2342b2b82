import { useQuery } from '@tanstack/preact-query';
import { api, unwrap } from './api/client.ts';

/** The signed-in user and their organisations (`GET /api/v1/me`). */
export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: () => unwrap(api.GET('/api/v1/me')), staleTime: 60_000 });
}

/** Where "Sign in with GitHub" goes: the OAuth flow, then back to `returnTo` (this page). */
export function signInHref(returnTo: string): string {
  const safe = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
  return `/auth/github?returnTo=${encodeURIComponent(safe.slice(0, 500))}`;
}

import type { ComponentChildren } from 'preact';
import { Link, Route, Switch, useLocation } from 'wouter-preact';
import { ApiError, api } from './api/client.ts';
import { ErrorPanel, Loading } from './components/ui.tsx';
import { AgentRunPage } from './pages/agent-run.tsx';
import { AgentRunsPage, ApprovalsPage } from './pages/agent-runs.tsx';
import { CrawlPage, CrawlsPage } from './pages/crawls.tsx';
import { DocumentsPage } from './pages/documents.tsx';
import { HomePage } from './pages/home.tsx';
import { IssuePage, IssuesPage } from './pages/issue.tsx';
import { OrgOverviewPage, RepoOverviewPage } from './pages/overview.tsx';
import { PullPage } from './pages/pull.tsx';
import { OrgSettingsPage, RepoSettingsPage } from './pages/settings.tsx';
import { TestsPage } from './pages/tests.tsx';
import { signInHref, useMe } from './session.ts';

function SignIn() {
  const [location] = useLocation();
  const returnTo = location + window.location.search;
  return (
    <main id="main" class="sign-in">
      <h1>Assay</h1>
      <p>Sign in to see your organisation's pull requests, checklists, agent runs and documents.</p>
      <a class="button primary" href={signInHref(returnTo)}>
        Sign in with GitHub
      </a>
    </main>
  );
}

function orgOf(location: string): string | undefined {
  const match = /^\/(?:orgs|repos)\/([^/]+)/.exec(location);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

function Shell({ children, login, orgs }: { children: ComponentChildren; login: string; orgs: string[] }) {
  const [location] = useLocation();
  const org = orgOf(location) ?? orgs[0];
  const signOut = async () => {
    await api.POST('/auth/logout');
    window.location.assign('/');
  };
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          Assay
        </Link>
        {org && (
          <nav aria-label="Organisation">
            <Link href={`/orgs/${org}`}>Overview</Link>
            <Link href={`/orgs/${org}/agent-runs`}>Agent runs</Link>
            <Link href={`/orgs/${org}/approvals`}>Approvals</Link>
            <Link href={`/orgs/${org}/documents`}>Documents</Link>
            <Link href={`/orgs/${org}/crawls`}>Crawls</Link>
            <Link href={`/orgs/${org}/settings`}>Settings</Link>
          </nav>
        )}
        <div class="who">
          <span>{login}</span>
          <button type="button" class="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function NotFound() {
  return <ErrorPanel error={new ApiError(404, 'not_found', 'No console page has this address.')} />;
}

export function App() {
  const me = useMe();
  if (me.isPending) return <Loading label="Signing in…" />;
  if (me.error instanceof ApiError && me.error.status === 401) return <SignIn />;
  if (me.error)
    return (
      <main id="main">
        <ErrorPanel error={me.error} onRetry={() => void me.refetch()} />
      </main>
    );
  const login = me.data.user?.login ?? me.data.token?.org ?? 'token';
  return (
    <Shell login={login} orgs={me.data.orgs.map((o) => o.login)}>
      <Switch>
        <Route path="/" component={HomePage} />
        <Route path="/orgs/:org" component={OrgOverviewPage} />
        <Route path="/orgs/:org/agent-runs" component={AgentRunsPage} />
        <Route path="/orgs/:org/agent-runs/:id" component={AgentRunPage} />
        <Route path="/orgs/:org/approvals" component={ApprovalsPage} />
        <Route path="/orgs/:org/documents" component={DocumentsPage} />
        <Route path="/orgs/:org/crawls" component={CrawlsPage} />
        <Route path="/orgs/:org/crawls/:id" component={CrawlPage} />
        <Route path="/orgs/:org/settings" component={OrgSettingsPage} />
        <Route path="/repos/:owner/:repo" component={RepoOverviewPage} />
        <Route path="/repos/:owner/:repo/pulls/:number" component={PullPage} />
        <Route path="/repos/:owner/:repo/issues" component={IssuesPage} />
        <Route path="/repos/:owner/:repo/issues/:number" component={IssuePage} />
        <Route path="/repos/:owner/:repo/tests" component={TestsPage} />
        <Route path="/repos/:owner/:repo/settings" component={RepoSettingsPage} />
        <Route component={NotFound} />
      </Switch>
    </Shell>
  );
}

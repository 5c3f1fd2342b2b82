import { Link, Redirect } from 'wouter-preact';
import { Empty, PageTitle } from '../components/ui.tsx';
import { useMe } from '../session.ts';

export function HomePage() {
  const me = useMe();
  const orgs = me.data?.orgs ?? [];
  if (orgs.length === 1 && orgs[0]) return <Redirect to={`/orgs/${orgs[0].login}`} replace />;
  return (
    <article>
      <PageTitle>Your organisations</PageTitle>
      {orgs.length === 0 ? (
        <Empty command="npx assay dev member --org <login> --login <you>">
          You are not a member of any organisation yet. Install the Assay GitHub App on one (you become its
          owner), or ask an owner to invite you. Locally, make yourself a member:
        </Empty>
      ) : (
        <ul class="list">
          {orgs.map((o) => (
            <li key={o.login}>
              <Link href={`/orgs/${o.login}`}>{o.login}</Link> ({o.role})
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

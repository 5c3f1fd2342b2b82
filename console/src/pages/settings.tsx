import { useMutation, useQuery, useQueryClient } from '@tanstack/preact-query';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, unwrap } from '../api/client.ts';
import { CopyCommand, ErrorPanel, Loading, PageTitle, Status, Time } from '../components/ui.tsx';

const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
type Role = (typeof ROLES)[number];

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A secret shown once, with a button to copy it. */
function OneTimeSecret({ label, value }: { label: string; value: string }) {
  return (
    <div class="panel" role="status">
      <p>{label} — copy it now, it is not shown again:</p>
      <CopyCommand command={value} />
    </div>
  );
}

function Members({ org }: { org: string }) {
  const client = useQueryClient();
  const members = useQuery({
    queryKey: ['members', org],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{org}/members', { params: { path: { org }, query: {} } })),
  });
  const change = useMutation({
    mutationFn: ({ login, role }: { login: string; role: Role }) =>
      unwrap(
        api.PATCH('/api/v1/orgs/{org}/members/{login}', { params: { path: { org, login } }, body: { role } }),
      ),
    onSettled: () => void client.invalidateQueries({ queryKey: ['members', org] }),
  });
  if (members.error) return <ErrorPanel error={members.error} />;
  if (!members.data) return <Loading />;
  return (
    <>
      {change.error && <ErrorPanel error={change.error} />}
      <ul class="list">
        {members.data.members.map((m) => (
          <li key={m.user.login}>
            {m.user.login}{' '}
            <select
              aria-label={`Role of ${m.user.login}`}
              value={m.role}
              onChange={(e) => change.mutate({ login: m.user.login, role: e.currentTarget.value as Role })}
            >
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>{' '}
            <span class="sub">
              via {m.source}, since <Time iso={m.since} />
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

function Invitations({ org }: { org: string }) {
  const client = useQueryClient();
  const [login, setLogin] = useState('');
  const [role, setRole] = useState<'admin' | 'member' | 'viewer'>('member');
  const list = useQuery({
    queryKey: ['invitations', org],
    queryFn: () =>
      unwrap(api.GET('/api/v1/orgs/{org}/invitations', { params: { path: { org }, query: {} } })),
  });
  const invite = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/orgs/{org}/invitations', {
          params: { path: { org } },
          body: { role, expiresInDays: 7, ...(login ? { login } : {}) },
        }),
      ),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['invitations', org] }),
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/orgs/{org}/invitations/{id}', { params: { path: { org, id } } })),
    onSettled: () => void client.invalidateQueries({ queryKey: ['invitations', org] }),
  });
  return (
    <>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          invite.mutate();
        }}
      >
        <label>
          GitHub login (optional) <input value={login} onInput={(e) => setLogin(e.currentTarget.value)} />
        </label>{' '}
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as typeof role)}>
            <option>admin</option>
            <option>member</option>
            <option>viewer</option>
          </select>
        </label>{' '}
        <button type="submit">Invite</button>
      </form>
      {invite.data && <OneTimeSecret label="Invitation token" value={invite.data.token} />}
      {invite.error && <ErrorPanel error={invite.error} />}
      {revoke.error && <ErrorPanel error={revoke.error} />}
      {list.error && <ErrorPanel error={list.error} />}
      <ul class="list">
        {list.data?.invitations.map((i) => (
          <li key={i.id}>
            {i.login ?? 'anyone with the token'} as {i.role} <Status value={i.status} /> · expires{' '}
            <Time iso={i.expiresAt} />{' '}
            {i.status === 'pending' && (
              <button type="button" onClick={() => revoke.mutate(i.id)}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function ApiTokens({ org }: { org: string }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const list = useQuery({
    queryKey: ['api-tokens', org],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{org}/api-tokens', { params: { path: { org }, query: {} } })),
  });
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/orgs/{org}/api-tokens', {
          params: { path: { org } },
          body: { name, role, expiresInDays: 90 },
        }),
      ),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['api-tokens', org] }),
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/orgs/{org}/api-tokens/{id}', { params: { path: { org, id } } })),
    onSettled: () => void client.invalidateQueries({ queryKey: ['api-tokens', org] }),
  });
  return (
    <>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name) create.mutate();
        }}
      >
        <label>
          Name <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>{' '}
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>{' '}
        <button type="submit">Create API token</button>
      </form>
      {create.data && <OneTimeSecret label={`API token ${create.data.name}`} value={create.data.token} />}
      {create.error && <ErrorPanel error={create.error} />}
      {revoke.error && <ErrorPanel error={revoke.error} />}
      {list.error && <ErrorPanel error={list.error} />}
      <ul class="list">
        {list.data?.tokens.map((t) => (
          <li key={t.id}>
            {t.name} <code>{t.prefix}…</code> ({t.role}) · expires <Time iso={t.expiresAt} /> · last used{' '}
            <Time iso={t.lastUsedAt} />{' '}
            {t.revokedAt ? (
              <Status value="revoked" />
            ) : (
              <button type="button" onClick={() => revoke.mutate(t.id)}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function AuditLog({ org }: { org: string }) {
  const events = useQuery({
    queryKey: ['audit', org],
    queryFn: () =>
      unwrap(api.GET('/api/v1/orgs/{org}/audit-events', { params: { path: { org }, query: {} } })),
  });
  const verify = useMutation({
    mutationFn: () =>
      unwrap(api.GET('/api/v1/orgs/{org}/audit-events/verify', { params: { path: { org } } })),
  });
  return (
    <>
      <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
        Verify the chain
      </button>
      {verify.data && (
        <p role="status">
          {verify.data.valid
            ? `The chain is intact (${verify.data.checked} events checked).`
            : `The chain is broken at ${verify.data.brokenAt?.id ?? '?'} (${verify.data.brokenAt?.reason ?? ''}).`}
        </p>
      )}
      {verify.error && <ErrorPanel error={verify.error} />}
      {events.error && <ErrorPanel error={events.error} />}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Target</th>
            </tr>
          </thead>
          <tbody>
            {events.data?.events.map((e) => (
              <tr key={e.id}>
                <td>
                  <Time iso={e.at} />
                </td>
                <td>{e.actor.login ?? e.actor.type}</td>
                <td>{String(e.details.action ?? e.details.event ?? '')}</td>
                <td>
                  {e.target.type} {e.target.id}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Deliveries({ org }: { org: string }) {
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['deliveries', org],
    queryFn: () =>
      unwrap(api.GET('/api/v1/orgs/{org}/webhook-deliveries', { params: { path: { org }, query: {} } })),
  });
  const redeliver = useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.POST('/api/v1/orgs/{org}/webhook-deliveries/{id}/redeliver', { params: { path: { org, id } } }),
      ),
    onSettled: () => void client.invalidateQueries({ queryKey: ['deliveries', org] }),
  });
  if (list.error) return <ErrorPanel error={list.error} />;
  return (
    <>
      {redeliver.error && <ErrorPanel error={redeliver.error} />}
      <ul class="list">
        {list.data?.deliveries.map((d) => (
          <li key={d.id}>
            {d.event}
            {d.action ? `.${d.action}` : ''} <Status value={d.status} />{' '}
            {d.reason && <span class="why">{d.reason}</span>} · <Time iso={d.receivedAt} />{' '}
            <button type="button" onClick={() => redeliver.mutate(d.id)}>
              Redeliver
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

function Exports({ org }: { org: string }) {
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['exports', org],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{org}/exports', { params: { path: { org }, query: {} } })),
    refetchInterval: (q) =>
      q.state.data?.exports.some((e) => e.status === 'queued' || e.status === 'running') ? 1_500 : false,
  });
  const start = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/orgs/{org}/exports', { params: { path: { org } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['exports', org] }),
  });
  return (
    <>
      <button type="button" onClick={() => start.mutate()} disabled={start.isPending}>
        Export all data
      </button>
      {start.error && <ErrorPanel error={start.error} />}
      {list.error && <ErrorPanel error={list.error} />}
      <ul class="list">
        {list.data?.exports.map((e) => (
          <li key={e.id}>
            <Status value={e.status} /> <Time iso={e.createdAt} />
            {(e.status === 'queued' || e.status === 'running') && (
              <progress aria-label="Export in progress" />
            )}
            {e.downloadUrl && (
              <>
                {' '}
                <a href={e.downloadUrl}>Download ({Math.ceil((e.bytes ?? 0) / 1024)} KB)</a>
              </>
            )}
            {e.error && <span class="why"> {e.error}</span>}
          </li>
        ))}
      </ul>
    </>
  );
}

function DeleteOrg({ org }: { org: string }) {
  const [confirm, setConfirm] = useState('');
  const remove = useMutation({
    mutationFn: () =>
      unwrap(api.DELETE('/api/v1/orgs/{org}', { params: { path: { org } }, body: { confirm } })),
  });
  return (
    <>
      <p>Deletes the organisation and every row and stored object of it. It cannot be undone.</p>
      <label>
        Type <code>{org}</code> to confirm{' '}
        <input value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />
      </label>{' '}
      <button
        type="button"
        class="danger"
        disabled={confirm !== org || remove.isPending}
        onClick={() => remove.mutate()}
      >
        Delete organisation
      </button>
      {remove.data && (
        <p role="status">
          Deletion <Status value={remove.data.deletion.status} />: the organisation is gone now; its data is
          removed in the background.
        </p>
      )}
      {remove.error && <ErrorPanel error={remove.error} />}
    </>
  );
}

export function OrgSettingsPage({ params }: { params: { org: string } }) {
  const { org } = params;
  return (
    <article>
      <PageTitle>Settings of {org}</PageTitle>
      <Section title="Members">
        <Members org={org} />
      </Section>
      <Section title="Invitations">
        <Invitations org={org} />
      </Section>
      <Section title="API tokens">
        <ApiTokens org={org} />
      </Section>
      <Section title="Audit log">
        <AuditLog org={org} />
      </Section>
      <Section title="Webhook deliveries">
        <Deliveries org={org} />
      </Section>
      <Section title="Exports">
        <Exports org={org} />
      </Section>
      <Section title="Delete the organisation">
        <DeleteOrg org={org} />
      </Section>
    </article>
  );
}

export function RepoSettingsPage({ params }: { params: { owner: string; repo: string } }) {
  const { owner, repo } = params;
  const path = { owner, repo };
  const client = useQueryClient();
  const [tokenName, setTokenName] = useState('');
  const settings = useQuery({
    queryKey: ['repo-settings', owner, repo],
    queryFn: () => unwrap(api.GET('/api/v1/repos/{owner}/{repo}/settings', { params: { path } })),
  });
  const patch = useMutation({
    mutationFn: (body: { gate?: 'all' | 'regressions'; quarantineFlaky?: boolean }) =>
      unwrap(api.PATCH('/api/v1/repos/{owner}/{repo}/settings', { params: { path }, body })),
    onSuccess: (data) => client.setQueryData(['repo-settings', owner, repo], data),
  });
  const uploadToken = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/repos/{owner}/{repo}/upload-tokens', {
          params: { path },
          body: { name: tokenName, expiresInDays: 90 },
        }),
      ),
  });
  if (settings.error) return <ErrorPanel error={settings.error} onRetry={() => void settings.refetch()} />;
  if (!settings.data) return <Loading />;
  const s = settings.data;
  return (
    <article>
      <PageTitle>
        Settings of {owner}/{repo}
      </PageTitle>
      {patch.error && <ErrorPanel error={patch.error} />}
      <Section title="Gate">
        <fieldset>
          <legend>What blocks the Assay check</legend>
          {(['all', 'regressions'] as const).map((gate) => (
            <label key={gate}>
              <input
                type="radio"
                name="gate"
                checked={s.gate === gate}
                onChange={() => patch.mutate({ gate })}
              />{' '}
              {gate}
            </label>
          ))}
        </fieldset>
      </Section>
      <Section title="Quarantine">
        <label>
          <input
            type="checkbox"
            checked={s.quarantineFlaky}
            onChange={(e) => patch.mutate({ quarantineFlaky: e.currentTarget.checked })}
          />{' '}
          Flaky tests do not block the check (they are listed)
        </label>
      </Section>
      <Section title="Upload tokens">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (tokenName) uploadToken.mutate();
          }}
        >
          <label>
            Name <input required value={tokenName} onInput={(e) => setTokenName(e.currentTarget.value)} />
          </label>{' '}
          <button type="submit">Create upload token</button>
        </form>
        {uploadToken.data && (
          <OneTimeSecret label="Upload token (ASSAY_UPLOAD_TOKEN in CI)" value={uploadToken.data.token} />
        )}
        {uploadToken.error && <ErrorPanel error={uploadToken.error} />}
      </Section>
    </article>
  );
}

/**
 * The installation-token cache handed to `@octokit/auth-app` (its `cache`
 * option: `get(key)` / `set(key, value)` over strings).
 *
 * Why not auth-app's own: its default is a toad-cache LRU with a fixed TTL of
 * 59 minutes from when the token was stored. It never reads the token's
 * `expires_at`, so a token GitHub issues for less than an hour (or one that
 * arrives late) is served after it expired, and "shortly before expiry" is
 * one minute at best. This cache evicts a token `refreshMarginMs` before the
 * `expires_at` GitHub returned, so auth-app mints a fresh one in time.
 *
 * auth-app stores `token|createdAt|expiresAt|repositorySelection|permissions|singleFile`;
 * the third field is the ISO expiry. If it ever cannot be read, the entry
 * falls back to auth-app's own assumption (one hour from storage).
 *
 * Tokens live in this process's memory only; nothing is persisted or logged.
 */
export class InstallationTokenCache {
  private readonly entries = new Map<string, { value: string; refreshAt: number }>();
  private readonly refreshMarginMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: { refreshMarginMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** The cached value, or undefined when absent or within the refresh margin of its expiry. */
  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() >= entry.refreshAt) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert to keep Map order = least recently used first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: string): void {
    const expiresAt = Date.parse(value.split('|')[2] ?? '');
    const expiry = Number.isNaN(expiresAt) ? this.now() + 60 * 60_000 : expiresAt;
    this.entries.delete(key);
    this.entries.set(key, { value, refreshAt: expiry - this.refreshMarginMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** How many tokens are held (expired ones included until next read). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Drops the tokens of one installation at once (auth-app keys are the
   * installation id, then `|`-separated scopes when a token is narrowed):
   * after `installation.deleted` or `suspend`, GitHub refuses them, and
   * nothing may be tried with them.
   */
  forgetInstallation(installationId: number): void {
    const id = String(installationId);
    for (const key of [...this.entries.keys()])
      if (key === id || key.startsWith(`${id}|`)) this.entries.delete(key);
  }

  /** Drops every token. */
  clear(): void {
    this.entries.clear();
  }
}

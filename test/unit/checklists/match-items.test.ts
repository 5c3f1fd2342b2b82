import { describe, expect, it } from 'vitest';
import { matchItems, type PreviousItem, retiredTids } from '../../../shared/checklists/similarity/index.ts';

const previous: PreviousItem[] = [
  { tid: 'T1', text: 'Users can sign in with email and password' },
  { tid: 'T2', text: 'A wrong password shows "Invalid credentials"' },
  { tid: 'T3', text: 'Accounts are locked after 5 failed attempts' },
  { tid: 'T4', text: 'Locked accounts receive an unlock email' },
  { tid: 'T5', text: 'Sign-in events are written to the audit log' },
];

const tids = (next: string[], prev: PreviousItem[] = previous): (string | null)[] =>
  matchItems(prev, next).map((m) => m.tid);

describe('matchItems', () => {
  it('keeps every TID when nothing changed, even if reordered or reformatted', () => {
    expect(tids(previous.map((p) => p.text))).toEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
    expect(
      tids(['**locked accounts receive an UNLOCK email!**', 'Users can sign in with email and password']),
    ).toEqual(['T4', 'T1']);
  });

  it('reword one, add one, remove one: every other TID is kept', () => {
    const next = [
      'Users can sign in with email and password',
      'A wrong password shows the message "Invalid email or password"',
      'Locked accounts receive an unlock email',
      'Sign-in events are written to the audit log',
      'Users can sign in with Google',
    ];
    const matches = matchItems(previous, next);
    expect(matches.map((m) => m.tid)).toEqual(['T1', 'T2', 'T4', 'T5', null]);
    expect(matches.map((m) => m.kind)).toEqual(['exact', 'fuzzy', 'exact', 'exact', 'new']);
    expect(retiredTids(previous, matches)).toEqual(['T3']);
  });

  it('matches one-to-one, greedily by score', () => {
    const prev = [
      { tid: 'T1', text: 'Export to CSV includes a header row' },
      { tid: 'T2', text: 'Export to XLSX includes a header row' },
    ];
    const next = ['Export to XLSX includes the header row', 'Export to CSV includes the header row'];
    expect(tids(next, prev)).toEqual(['T2', 'T1']);
    expect(
      tids(['Export to CSV includes the header row', 'Export to CSV includes a header row!'], prev),
    ).toEqual(['T2', 'T1']);
  });

  it('gives each TID to at most one item, exact duplicates included', () => {
    const prev = [{ tid: 'T1', text: 'Same text' }];
    expect(tids(['Same text', 'Same text'], prev)).toEqual(['T1', null]);
    const dupPrev = [
      { tid: 'T1', text: 'Same text' },
      { tid: 'T2', text: 'Same text' },
    ];
    expect(tids(['Same text', 'Same text'], dupPrev)).toEqual(['T1', 'T2']);
  });

  it('does not match unrelated items', () => {
    expect(tids(['Payments are refunded within 5 days'])).toEqual([null]);
    expect(retiredTids(previous, matchItems(previous, []))).toEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
  });

  it('honours the threshold option', () => {
    const next = ['Users sign in with an email address'];
    expect(matchItems(previous, next, { threshold: 0.99 })[0]!.tid).toBeNull();
    expect(matchItems(previous, next, { threshold: 0.3 })[0]!.tid).toBe('T1');
  });

  it('is deterministic on capped checklists (its speed is in `npm run bench checklist`)', () => {
    const prev = Array.from({ length: 200 }, (_, i) => ({
      tid: `T${i}`,
      text: `Criterion ${i}: widget ${i * 7} works`,
    }));
    const next = prev.map((p, i) => (i % 2 === 0 ? `${p.text} reliably` : `Other thing ${i} entirely`));
    const a = matchItems(prev, next);
    expect(matchItems(prev, next)).toEqual(a);
    expect(a.filter((m) => m.kind === 'fuzzy').length).toBeGreaterThanOrEqual(100);
    expect(new Set(a.map((m) => m.tid).filter(Boolean)).size).toBe(a.filter((m) => m.tid).length);
  });
});

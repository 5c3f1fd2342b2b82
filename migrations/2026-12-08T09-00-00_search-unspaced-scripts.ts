import { type Kysely, sql } from 'kysely';
import { spaceUnspacedWords } from '../shared/text/tokenizer.ts';

const BATCH = 500;

/**
 * Full-text search finds words of unspaced scripts (Chinese, Japanese, Thai)
 * inside a longer run: `document_chunks.tsv` is no longer generated from the
 * raw text (where a run is one lexeme) but written with the chunk, from its
 * heading and text with the run's dictionary words spaced
 * (`spaceUnspacedWords`); existing chunks are rewritten here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists document_chunks_tsv_idx`.execute(db);
  await sql`alter table document_chunks drop column tsv`.execute(db);
  await sql`alter table document_chunks add column tsv tsvector not null default ''::tsvector`.execute(db);
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await sql<{ id: string; heading_text: string; text: string }>`
      select id, heading_text, text from document_chunks where id > ${after}::uuid order by id limit ${BATCH}`.execute(
      db,
    );
    if (rows.rows.length === 0) break;
    for (const row of rows.rows) {
      await sql`update document_chunks set tsv =
        setweight(to_tsvector('english'::regconfig, ${spaceUnspacedWords(row.heading_text)}), 'A') ||
        setweight(to_tsvector('english'::regconfig, ${spaceUnspacedWords(row.text)}), 'B')
        where id = ${row.id}::uuid`.execute(db);
    }
    after = rows.rows.at(-1)?.id ?? after;
  }
  await sql`create index document_chunks_tsv_idx on document_chunks using gin (tsv)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists document_chunks_tsv_idx`.execute(db);
  await sql`alter table document_chunks drop column tsv`.execute(db);
  await sql`alter table document_chunks add column tsv tsvector generated always as
    (setweight(to_tsvector('english'::regconfig, heading_text), 'A') || setweight(to_tsvector('english'::regconfig, text), 'B')) stored`.execute(
    db,
  );
  await sql`create index document_chunks_tsv_idx on document_chunks using gin (tsv)`.execute(db);
}

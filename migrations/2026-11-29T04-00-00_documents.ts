import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

/**
 * The size of the embedding column, fixed per deployment: `ASSAY_EMBEDDING_DIMENSIONS`
 * when this migration runs (default 384; see README, Documents). Changing it later
 * needs a new migration that re-creates the column and re-embeds every chunk.
 */
function embeddingDimensions(): number {
  const value = Number(process.env.ASSAY_EMBEDDING_DIMENSIONS ?? 384);
  if (!Number.isInteger(value) || value < 8 || value > 2000) {
    throw new Error(
      'ASSAY_EMBEDDING_DIMENSIONS must be a whole number from 8 to 2000 (HNSW indexes at most 2,000)',
    );
  }
  return value;
}

export async function up(db: Kysely<any>): Promise<void> {
  const dimensions = embeddingDimensions();
  await sql`create extension if not exists vector`.execute(db);

  // Requirement documents uploaded through presigned URLs; the consumer parses, chunks and embeds them.
  await db.schema
    .createTable('documents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('pdf', 'docx', 'markdown', 'text', 'csv', 'html')`),
    )
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    // Null for documents ingested in place by the CLI (no stored object).
    .addColumn('object_key', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending', 'processing', 'ready', 'failed')`),
    )
    .addColumn('failure_reason', 'text', (c) =>
      c.check(
        sql`failure_reason in ('encrypted', 'corrupt', 'unsupported_type', 'too_large', 'empty', 'embedding_failed')`,
      ),
    )
    .addColumn('message', 'text')
    .addColumn('page_count', 'integer')
    .addColumn('chunk_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('embedding_model', 'text')
    .addColumn('embedding_dimensions', 'integer')
    .addColumn('created_by', 'uuid')
    .addColumn('upload_expires_at', 'timestamptz')
    .addColumn('processing_started_at', 'timestamptz')
    .addColumn('ready_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('documents_org_created_idx')
    .on('documents')
    .columns(['org_id', 'created_at', 'id'])
    .execute();

  // Chunks with their embedding (pgvector, HNSW for cosine distance) and full-text vector (GIN).
  await db.schema
    .createTable('document_chunks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('document_id', 'uuid', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('heading_path', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('token_count', 'integer', (c) => c.notNull())
    .addColumn('page', 'integer')
    .addColumn('embedding', sql`vector(${sql.raw(String(dimensions))})`, (c) => c.notNull())
    .addColumn('embedding_model', 'text', (c) => c.notNull())
    .addColumn('embedding_dimensions', 'integer', (c) =>
      c.notNull().check(sql`embedding_dimensions = ${sql.raw(String(dimensions))}`),
    )
    .addColumn('heading_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('tsv', sql`tsvector`, (c) =>
      c
        .generatedAlwaysAs(
          sql`setweight(to_tsvector('english'::regconfig, heading_text), 'A') || setweight(to_tsvector('english'::regconfig, text), 'B')`,
        )
        .stored(),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('document_chunks_document_ordinal_key', ['document_id', 'ordinal'])
    .execute();
  await sql`create index document_chunks_embedding_idx on document_chunks using hnsw (embedding vector_cosine_ops)`.execute(
    db,
  );
  await sql`create index document_chunks_tsv_idx on document_chunks using gin (tsv)`.execute(db);
  await db.schema
    .createIndex('document_chunks_org_document_idx')
    .on('document_chunks')
    .columns(['org_id', 'document_id', 'ordinal'])
    .execute();

  for (const table of ['documents', 'document_chunks']) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to assay_app, assay_system`.execute(
      db,
    );
    await enableTenantRls(db, table);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('document_chunks').execute();
  await db.schema.dropTable('documents').execute();
}

import type { Topology } from './topology.types.ts';

/**
 * THE map of Assay: every route, queue, bucket notification, state machine and
 * schedule. `infra/stack.ts` turns it into AWS resources and `infra/local/`
 * serves it on one machine. Adding an entry here is the whole wiring change.
 */
export const topology = {
  routes: {
    'GET /health': { handler: 'functions/api/get-health.ts', auth: 'public', uses: [] },
    'GET /health/ready': {
      handler: 'functions/api/get-health-ready.ts',
      auth: 'public',
      uses: ['db', 'bucket:read', 'queues:inspect'],
    },
    'GET /openapi.json': { handler: 'functions/api/get-openapi.ts', auth: 'public', uses: [] },
    'GET /docs': {
      handler: 'functions/api/get-docs.ts',
      auth: 'public',
      uses: [],
      nodeModules: ['swagger-ui-dist'],
    },
    'GET /docs/{asset}': {
      handler: 'functions/api/get-docs-asset.ts',
      auth: 'public',
      uses: [],
      nodeModules: ['swagger-ui-dist'],
    },
    'POST /webhooks/github': {
      handler: 'functions/api/post-github-webhook.ts',
      auth: 'webhook',
      uses: ['db', 'bucket:write', 'queue:intake', 'secret:webhook'],
    },
    'GET /auth/github': {
      handler: 'functions/api/get-auth-github.ts',
      auth: 'public',
      uses: ['db', 'secret:session'],
    },
    'GET /auth/callback': {
      handler: 'functions/api/get-auth-callback.ts',
      auth: 'public',
      uses: ['db', 'secret:session', 'secret:github-app'],
    },
    'POST /auth/refresh': {
      handler: 'functions/api/post-auth-refresh.ts',
      auth: 'public',
      uses: ['db', 'secret:session'],
    },
    'POST /auth/logout': {
      handler: 'functions/api/post-auth-logout.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/me': { handler: 'functions/api/get-me.ts', auth: 'session', uses: ['db', 'secret:session'] },
    'GET /api/v1/orgs': {
      handler: 'functions/api/get-orgs.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/members': {
      handler: 'functions/api/get-members.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'PATCH /api/v1/orgs/{org}/members/{login}': {
      handler: 'functions/api/patch-member.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'DELETE /api/v1/orgs/{org}/members/{login}': {
      handler: 'functions/api/delete-member.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/invitations': {
      handler: 'functions/api/get-invitations.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /api/v1/orgs/{org}/invitations': {
      handler: 'functions/api/post-invitation.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'DELETE /api/v1/orgs/{org}/invitations/{id}': {
      handler: 'functions/api/delete-invitation.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /api/v1/invitations/accept': {
      handler: 'functions/api/post-invitation-accept.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/api-tokens': {
      handler: 'functions/api/get-api-tokens.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /api/v1/orgs/{org}/api-tokens': {
      handler: 'functions/api/post-api-token.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'DELETE /api/v1/orgs/{org}/api-tokens/{id}': {
      handler: 'functions/api/delete-api-token.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/audit-events': {
      handler: 'functions/api/get-audit-events.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/audit-events/verify': {
      handler: 'functions/api/get-audit-verify.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/repos/{owner}/{repo}/issues': {
      handler: 'functions/api/get-issues.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/repos/{owner}/{repo}/issues/{number}': {
      handler: 'functions/api/get-issue.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /api/v1/repos/{owner}/{repo}/issues/{number}/regenerate': {
      handler: 'functions/api/post-issue-regenerate.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'queue:checklist'],
    },
    'GET /api/v1/repos/{owner}/{repo}/pulls/{number}': {
      handler: 'functions/api/get-pull.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/repos/{owner}/{repo}/pulls/{number}/validation': {
      handler: 'functions/api/get-pull-validation.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/repos': {
      handler: 'functions/api/get-repos.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/repos/{owner}/{repo}': {
      handler: 'functions/api/get-repo.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/repos/{owner}/{repo}/ci-runs': {
      handler: 'functions/api/get-ci-runs.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/repos/{owner}/{repo}/commits/{sha}/validation': {
      handler: 'functions/api/get-commit-validation.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/webhook-deliveries': {
      handler: 'functions/api/get-webhook-deliveries.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /api/v1/orgs/{org}/webhook-deliveries/{id}/redeliver': {
      handler: 'functions/api/post-webhook-redeliver.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'queue:intake'],
    },
    'GET /api/v1/repos/{owner}/{repo}/code-health': {
      handler: 'functions/api/get-code-health-runs.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/repos/{owner}/{repo}/code-health/{runId}': {
      handler: 'functions/api/get-code-health-run.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /ci/uploads': {
      handler: 'functions/api/post-ci-uploads.ts',
      auth: 'ci',
      uses: ['db', 'bucket:write'],
    },
    'POST /api/v1/repos/{owner}/{repo}/upload-tokens': {
      handler: 'functions/api/post-upload-token.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'DELETE /api/v1/repos/{owner}/{repo}/upload-tokens/{id}': {
      handler: 'functions/api/delete-upload-token.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /api/v1/repos/{owner}/{repo}/pulls/{number}/revalidate': {
      handler: 'functions/api/post-pull-revalidate.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'queue:manifest'],
    },
    'POST /api/v1/repos/{owner}/{repo}/pulls/{number}/trust': {
      handler: 'functions/api/post-pull-trust.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'queue:validation'],
    },
    'POST /api/v1/repos/{owner}/{repo}/pulls/{number}/flag-for-merge': {
      handler: 'functions/api/post-pull-flag-for-merge.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/notifications': {
      handler: 'functions/api/get-notifications.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /api/v1/orgs/{org}/notifications/{id}/read': {
      handler: 'functions/api/post-notification-read.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /api/v1/orgs/{org}/notifications/read-all': {
      handler: 'functions/api/post-notifications-read-all.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'PUT /api/v1/repos/{owner}/{repo}/follow': {
      handler: 'functions/api/put-repo-follow.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'DELETE /api/v1/repos/{owner}/{repo}/follow': {
      handler: 'functions/api/delete-repo-follow.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /api/v1/orgs/{org}/exports': {
      handler: 'functions/api/post-org-export.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'queue:exports'],
    },
    'GET /api/v1/orgs/{org}/exports': {
      handler: 'functions/api/get-org-exports.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'bucket:read'],
    },
    'GET /api/v1/orgs/{org}/exports/{id}': {
      handler: 'functions/api/get-org-export.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'bucket:read'],
    },
    'DELETE /api/v1/orgs/{org}': {
      handler: 'functions/api/delete-org.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'queue:deletions'],
    },
    'GET /api/v1/repos/{owner}/{repo}/settings': {
      handler: 'functions/api/get-repo-settings.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'PUT /api/v1/repos/{owner}/{repo}/settings': {
      handler: 'functions/api/put-repo-settings.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    // --- Test analytics ---
    'PATCH /api/v1/repos/{owner}/{repo}/settings': {
      handler: 'functions/api/patch-repo-settings.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/repos/{owner}/{repo}/tests': {
      handler: 'functions/api/get-repo-tests.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/repos/{owner}/{repo}/tests/{testId}/history': {
      handler: 'functions/api/get-repo-test-history.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/repos/{owner}/{repo}/metrics': {
      handler: 'functions/api/get-repo-metrics.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/metrics': {
      handler: 'functions/api/get-org-metrics.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    // ---- Agent runs (shared/agents/agent-runs.*) ----
    'POST /api/v1/orgs/{org}/agent-runs': {
      handler: 'functions/api/post-agent-run.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'workflow:agent-run:start'],
    },
    'GET /api/v1/orgs/{org}/agent-runs': {
      handler: 'functions/api/get-agent-runs.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/agent-runs/{id}': {
      handler: 'functions/api/get-agent-run.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /api/v1/orgs/{org}/agent-runs/{id}/cancel': {
      handler: 'functions/api/post-agent-run-cancel.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'workflow:agent-run:start'],
    },
    'GET /api/v1/orgs/{org}/agent-runs/{id}/approvals': {
      handler: 'functions/api/get-agent-run-approvals.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    // The only route that may answer task tokens (states:SendTaskSuccess/Failure).
    'POST /api/v1/orgs/{org}/agent-runs/{id}/approvals/{approvalId}': {
      handler: 'functions/api/post-agent-run-approval.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'secret:github-app', 'workflow:agent-run:decide'],
    },
    'GET /api/v1/orgs/{org}/agent-runs/{id}/events': {
      handler: 'functions/api/get-agent-run-events.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    // Server-Sent Events: API Gateway HTTP APIs do not stream, so on AWS this is a Lambda function
    // URL with response streaming (infra/constructs/event-stream.ts), authenticated inside.
    'GET /api/v1/orgs/{org}/agent-runs/{id}/events/stream': {
      handler: 'functions/api/get-agent-run-events-stream.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
      stream: true,
      timeoutSeconds: 900,
    },
    'GET /api/v1/orgs/{org}/agent-runs/{id}/artifacts': {
      handler: 'functions/api/get-agent-run-artifacts.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/agent-runs/{id}/artifacts/{artifactId}': {
      handler: 'functions/api/get-agent-run-artifact.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'PUT /api/v1/orgs/{org}/agent-runs/{id}/artifacts/{artifactId}': {
      handler: 'functions/api/put-agent-run-artifact.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /api/v1/orgs/{org}/agent-runs/{id}/artifacts/{artifactId}/promote': {
      handler: 'functions/api/post-agent-run-artifact-promote.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    // Locally streamed; on AWS written to the bucket and answered with a redirect to a presigned GET
    // (API Gateway answers 6 MB at most).
    'GET /api/v1/orgs/{org}/agent-runs/{id}/export.zip': {
      handler: 'functions/api/get-agent-run-export.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'bucket:read', 'bucket:write'],
      timeoutSeconds: 60,
      memoryMb: 1024,
    },
    'GET /api/v1/orgs/{org}/usage': {
      handler: 'functions/api/get-usage.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    // ---- end agent runs ----
    // --- Crawls ---
    'POST /api/v1/orgs/{org}/crawls': {
      handler: 'functions/api/post-crawl.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'queue:crawl'],
    },
    'GET /api/v1/orgs/{org}/crawls': {
      handler: 'functions/api/get-crawls.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/crawls/{id}': {
      handler: 'functions/api/get-crawl.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'POST /api/v1/orgs/{org}/crawls/{id}/cancel': {
      handler: 'functions/api/post-crawl-cancel.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/crawls/{id}/pages': {
      handler: 'functions/api/get-crawl-pages.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'bucket:read'],
    },
    // --- end crawls ---
    // ---- Requirement documents and search (shared/documents) ----
    'POST /api/v1/orgs/{org}/documents': {
      handler: 'functions/api/post-document.ts',
      auth: 'session',
      uses: ['db', 'bucket:write', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/documents': {
      handler: 'functions/api/get-documents.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/documents/{id}': {
      handler: 'functions/api/get-document.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'GET /api/v1/orgs/{org}/documents/{id}/chunks': {
      handler: 'functions/api/get-document-chunks.ts',
      auth: 'session',
      uses: ['db', 'secret:session'],
    },
    'DELETE /api/v1/orgs/{org}/documents/{id}': {
      handler: 'functions/api/delete-document.ts',
      auth: 'session',
      uses: ['db', 'bucket:write', 'secret:session'],
    },
    'POST /api/v1/orgs/{org}/search': {
      handler: 'functions/api/post-search.ts',
      auth: 'session',
      uses: ['db', 'secret:session', 'secret:openai'],
      timeoutSeconds: 29,
    },
  },
  queues: {
    intake: {
      handler: 'functions/queues/webhook-intake.ts',
      uses: [
        'db',
        'bucket:read',
        'queue:checklist',
        'queue:manifest',
        'queue:validation',
        'queue:artifacts',
        'secret:github-app',
        // `/assay approve|reject` decides agent-run approvals (SendTaskSuccess/Failure).
        'workflow:agent-run:decide',
      ],
      batchSize: 10,
      timeoutSeconds: 30,
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: 5,
    },
    checklist: {
      handler: 'functions/queues/checklist.ts',
      uses: ['db', 'secret:github-app', 'secret:openai'],
      batchSize: 5,
      timeoutSeconds: 60,
      visibilityTimeoutSeconds: 360,
      maxReceiveCount: 5,
    },
    manifest: {
      handler: 'functions/queues/manifest.ts',
      uses: ['db', 'bucket:read', 'secret:github-app'],
      batchSize: 5,
      timeoutSeconds: 60,
      visibilityTimeoutSeconds: 360,
      maxReceiveCount: 5,
    },
    validation: {
      handler: 'functions/queues/validation.ts',
      uses: ['db', 'bucket:read', 'secret:github-app'],
      batchSize: 5,
      timeoutSeconds: 60,
      visibilityTimeoutSeconds: 360,
      maxReceiveCount: 5,
    },
    // Reports a workflow run left as `assay-*` artifacts, pulled with the installation token
    // (fork-safe: fork pull requests have no upload credential). One run per message.
    artifacts: {
      handler: 'functions/queues/artifacts.ts',
      uses: ['db', 'bucket:read', 'bucket:write', 'secret:github-app'],
      batchSize: 1,
      timeoutSeconds: 300,
      visibilityTimeoutSeconds: 1800,
      maxReceiveCount: 3,
      memoryMb: 1536,
    },
    reports: {
      handler: 'functions/queues/reports.ts',
      uses: ['db', 'bucket:read', 'bucket:write', 'secret:github-app'],
      batchSize: 5,
      timeoutSeconds: 120,
      visibilityTimeoutSeconds: 720,
      maxReceiveCount: 3,
      memoryMb: 1024,
    },
    // One ZIP streamed to S3 by multipart upload: memory holds a few 8 MiB parts, not the archive,
    // so 10 GB of objects fit; the full Lambda timeout bounds one try.
    exports: {
      handler: 'functions/queues/org-export.ts',
      uses: ['db', 'bucket:read', 'bucket:write'],
      batchSize: 1,
      timeoutSeconds: 900,
      visibilityTimeoutSeconds: 5400,
      maxReceiveCount: 3,
      memoryMb: 1024,
    },
    // Batched deletes, each repeatable: a crash resumes on the next delivery.
    deletions: {
      handler: 'functions/queues/org-deletion.ts',
      uses: ['db', 'bucket:read', 'bucket:write'],
      batchSize: 1,
      timeoutSeconds: 900,
      visibilityTimeoutSeconds: 5400,
      maxReceiveCount: 10,
    },
    // --- Crawls: one crawl per invocation in headless Chromium (@sparticuz/chromium is x64 only and
    // wants ≥ 1,600 MB); 900 s is Lambda's maximum, the crawl itself stops at ASSAY_CRAWL_MAX_DURATION_SECONDS.
    crawl: {
      handler: 'functions/queues/crawl.ts',
      uses: ['db', 'bucket:write', 'secret:session'],
      batchSize: 1,
      timeoutSeconds: 900,
      visibilityTimeoutSeconds: 5400,
      maxReceiveCount: 3,
      memoryMb: 2048,
      architecture: 'x86_64',
      ephemeralStorageMb: 2048,
      nodeModules: ['@sparticuz/chromium', 'playwright-core'],
    },
    // --- end crawls ---
    // Parse → chunk → embed → store one uploaded document per invocation (sized in README, Documents).
    documents: {
      handler: 'functions/queues/documents.ts',
      uses: ['db', 'bucket:read', 'bucket:write', 'secret:openai'],
      batchSize: 1,
      timeoutSeconds: 900,
      visibilityTimeoutSeconds: 5400,
      maxReceiveCount: 3,
      memoryMb: 2048,
    },
  },
  // S3 refuses two rules whose prefixes and suffixes both overlap: reports and documents share `orgs/`,
  // so each rule names the suffix of the keys it owns (reports `.xml`/`.json`, documents `/original`).
  bucketNotifications: [
    { prefix: 'orgs/', suffix: '.xml', queue: 'reports' },
    { prefix: 'orgs/', suffix: '.json', queue: 'reports' },
    { prefix: 'orgs/', suffix: '/original', queue: 'documents' },
  ],
  stateMachines: {
    // The agent pipeline (issue 18): one ASL definition, the same step handlers on AWS and locally.
    'agent-run': {
      definition: 'infra/workflows/agent-run.ts',
      tasks: {
        analyst: {
          handler: 'functions/steps/analyst.ts',
          uses: ['db', 'secret:openai'],
          timeoutSeconds: 900,
          memoryMb: 1024,
        },
        // Records the task token of the `.waitForTaskToken` state; answers it itself when a replayed
        // stage was already decided.
        approval: {
          handler: 'functions/steps/approval.ts',
          uses: ['db', 'secret:github-app', 'workflow:agent-run:decide'],
          timeoutSeconds: 30,
        },
        qa: {
          handler: 'functions/steps/qa.ts',
          uses: ['db', 'secret:openai'],
          timeoutSeconds: 900,
          memoryMb: 1024,
        },
        automation: {
          handler: 'functions/steps/automation.ts',
          uses: ['db', 'secret:openai'],
          timeoutSeconds: 900,
          memoryMb: 1024,
        },
        // Type-checks the generated files and runs them once in headless Chromium (x64, like the crawler).
        verify: {
          handler: 'functions/steps/verify.ts',
          uses: ['db'],
          timeoutSeconds: 900,
          memoryMb: 2048,
          architecture: 'x86_64',
          ephemeralStorageMb: 2048,
          nodeModules: [
            '@playwright/test',
            'playwright',
            'playwright-core',
            '@sparticuz/chromium',
            'typescript',
          ],
        },
        // Both edit the run's approval comment on the issue in place (GitHub App).
        finalize: {
          handler: 'functions/steps/finalize.ts',
          uses: ['db', 'secret:github-app'],
          timeoutSeconds: 30,
        },
        fail: { handler: 'functions/steps/fail.ts', uses: ['db', 'secret:github-app'], timeoutSeconds: 30 },
      },
    },
  },
  // Issue 25: model-written Playwright tests run in a single-use environment, never with the server's powers.
  runners: {
    verify: {
      dockerfile: 'infra/runner/Dockerfile',
      cpu: 2048,
      memoryMb: 4096,
      timeoutSeconds: 300,
      egressPorts: [80, 443],
    },
  },
  schedules: {
    'sweep-webhook-deliveries': {
      handler: 'functions/schedules/sweep-webhook-deliveries.ts',
      uses: ['db', 'queue:intake'],
      everyMinutes: 5,
      everyMinutesSetting: 'ASSAY_WEBHOOK_SWEEP_EVERY_MINUTES',
      timeoutSeconds: 60,
    },
    // Ends agent runs whose execution ended without recording an outcome (never a run stuck running).
    'sweep-agent-runs': {
      handler: 'functions/schedules/sweep-agent-runs.ts',
      uses: ['db', 'workflow:agent-run:start'],
      everyMinutes: 15,
      everyMinutesSetting: 'ASSAY_AGENT_RUN_SWEEP_EVERY_MINUTES',
      timeoutSeconds: 120,
    },
    // After an embedding model change, chunks of the older model are embedded again in bounded batches.
    'reembed-chunks': {
      handler: 'functions/schedules/reembed-chunks.ts',
      uses: ['db', 'secret:openai'],
      everyMinutes: 15,
      everyMinutesSetting: 'ASSAY_REEMBED_EVERY_MINUTES',
      timeoutSeconds: 600,
      memoryMb: 1024,
    },
    'rollup-test-analytics': {
      handler: 'functions/schedules/rollup-test-analytics.ts',
      uses: ['db'],
      everyMinutes: 15,
      everyMinutesSetting: 'ASSAY_ANALYTICS_ROLLUP_EVERY_MINUTES',
      timeoutSeconds: 600,
    },
  },
} as const satisfies Topology;

export type AppTopology = typeof topology;

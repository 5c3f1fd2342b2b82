import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EXPORT_PREFIX, EXPORT_RETENTION_DAYS } from '../../shared/org-data/export-retention.ts';
import { RAW_REPORT_TAG, SCREENSHOT_TAG } from '../../shared/reports/retention.ts';
import { acknowledge } from './nag.ts';

export { RAW_REPORT_TAG, SCREENSHOT_TAG };

/** Props of {@link ArtifactBucket}. */
export interface ArtifactBucketProps {
  readonly rawReportExpiryDays: number;
  /** Days before crawl screenshots (`orgs/{org}/crawls/{id}/…`, tagged when stored) expire. */
  readonly crawlScreenshotExpiryDays: number;
}

/**
 * The private bucket for reports, documents, screenshots and large payloads:
 * public access blocked, S3-managed encryption, TLS-only policy, versioning,
 * lifecycle expiry, and server access logs into a second bucket.
 */
export class ArtifactBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArtifactBucketProps) {
    super(scope, id);
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(accessLogs, {
      'AwsSolutions-S1': 'This is the access-log bucket; logging it into itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-raw-reports',
          tagFilters: { [RAW_REPORT_TAG.key]: RAW_REPORT_TAG.value },
          expiration: Duration.days(props.rawReportExpiryDays),
        },
        {
          id: 'expire-exports',
          prefix: EXPORT_PREFIX,
          expiration: Duration.days(EXPORT_RETENTION_DAYS),
          // The bucket is versioned: without this the expired archive would linger as a noncurrent version.
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          id: 'expire-crawl-screenshots',
          tagFilters: { [SCREENSHOT_TAG.key]: SCREENSHOT_TAG.value },
          expiration: Duration.days(props.crawlScreenshotExpiryDays),
        },
        {
          id: 'tidy-versions-and-uploads',
          noncurrentVersionExpiration: Duration.days(30),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
  }
}

/**
 * The object tag marking a raw CI report that may expire. The report consumer
 * sets it once a report is handled (its results are in the database); the
 * bucket's lifecycle rule expires tagged objects — S3 lifecycle rules cannot
 * match the `orgs/{org}/…/{kind}/` keys by prefix, so expiry goes by tag.
 */
export const RAW_REPORT_TAG = { key: 'assay-retention', value: 'raw-report' } as const;

/**
 * The object tag on crawl screenshots (`orgs/{org}/crawls/{id}/…`), set when
 * the crawler stores them; the bucket's lifecycle rule expires tagged objects
 * after `assay:crawlScreenshotExpiryDays` (default 90).
 */
export const SCREENSHOT_TAG = { key: 'assay-retention', value: 'crawl-screenshot' } as const;

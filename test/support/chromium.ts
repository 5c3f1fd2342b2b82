/** Tests find and launch Chromium exactly as the crawler does (shared/crawl/chromium.ts). */
export { chromiumExecutable, launchChromium } from '../../shared/crawl/chromium.ts';

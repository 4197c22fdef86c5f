export type { PageAction, PageDetails, PageEvent, PageResult, Pager, Severity } from "./types.ts";
export { pageContext } from "./types.ts";
export {
  MAX_DEDUP_KEY,
  MAX_SUMMARY,
  PAGERDUTY_SEVERITY,
  PagerDutyClient,
  pagerDutyDedupKey,
  type PagerDutyOptions,
  type PagerDutySeverity,
} from "./pagerduty.ts";
export { SignedWebhookPager, type SignedWebhookPagerOptions } from "./signed-webhook.ts";
export { realSleep, retryable, withRetries, type RetryOptions, type Sleep } from "./retry.ts";

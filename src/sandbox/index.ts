/** An in-memory GitHub served over real HTTP on 127.0.0.1, validated against GitHub's REST description. */
export { startSandbox, ROUTES, DEFAULT_START, type Sandbox } from "./server.ts";
export { SandboxState } from "./state.ts";
export type {
  AlertRecord,
  IssueRecord,
  LabelRecord,
  RepoRecord,
  UserRecord,
  TeamRecord,
  InstallationRecord,
  LocationRecord,
  DispatchRecord,
  PullRecord,
  ReviewRecord,
  ReviewCommentRecord,
  DiscussionRecord,
  DiscussionCommentRecord,
} from "./state.ts";
export type {
  Fault,
  RequestLogEntry,
  SandboxAlertInput,
  SandboxAlertPatch,
  SandboxComment,
  SandboxIssue,
  SandboxLabel,
  SandboxLocationInput,
  SandboxOptions,
  ValidationErrorEntry,
  ValidationErrorKind,
} from "./types.ts";
export type { IssueWebhookRef, WebhookDelivery, WebhookEvent, WebhookRef } from "./webhooks.ts";
export { OpenApi } from "./openapi.ts";
export { seedDemo, DEMO_SECRETS, DEMO_SECRET_VALUES, DEMO_ALERTS, type DemoAlert, type DemoSeed } from "./demo.ts";
import { appIdentity } from "../core/issue/provenance.ts";
/** The identity the sandbox's installation tokens act as (its app, `nhi-steward`, id 1). */
export const SANDBOX_APP_IDENTITY = appIdentity("nhi-steward", 1);

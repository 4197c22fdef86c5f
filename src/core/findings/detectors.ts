import type { IdentityClass } from "../policy/identity-classes.ts";
import { humanize, secretTypeFromDetector } from "./common.ts";

/** What a detector id says about the credential it found. */
export interface DetectorInfo {
  /** GitHub secret scanning's `secret_type` for the same credential (policies/secret-types.yml). */
  secretType: string;
  displayName: string;
  /** As in policies/secret-types.yml `providers`, so the policy's provider fallback applies. */
  provider: string | null;
  identityClass: IdentityClass | null;
  /** False when the detector is not in the table and the fields are derived from its id. */
  mapped: boolean;
}

type Row = readonly [secretType: string, displayName: string, provider: string | null, identityClass: IdentityClass | null];

/**
 * gitleaks rule ids (config/gitleaks.toml) and TruffleHog detector names (DetectorType) whose
 * GitHub secret type is obvious. Keys are matched case-insensitively. Only unambiguous mappings are
 * listed: anything else keeps its own id as the secret type and is classified by the policy.
 * test/core/findings/detectors.test.ts checks every row against the default policy pack.
 */
const TABLE: Readonly<Record<string, Row>> = {
  // --- gitleaks -------------------------------------------------------------------------------
  "github-pat": ["github_personal_access_token", "GitHub personal access token", "GitHub", "personal-access-token"],
  "github-fine-grained-pat": [
    "github_personal_access_token",
    "GitHub fine-grained personal access token",
    "GitHub",
    "personal-access-token",
  ],
  "github-oauth": ["github_oauth_access_token", "GitHub OAuth access token", "GitHub", "oauth-token"],
  "github-app-token": ["github_app_installation_access_token", "GitHub App token", "GitHub", "github-app-credential"],
  "github-refresh-token": ["github_refresh_token", "GitHub refresh token", "GitHub", "github-app-credential"],
  "gitlab-pat": ["gitlab_access_token", "GitLab personal access token", "GitLab", "personal-access-token"],
  "gitlab-pat-routable": ["gitlab_access_token", "GitLab personal access token", "GitLab", "personal-access-token"],
  "gitlab-ptt": ["gitlab_pipeline_trigger_token", "GitLab pipeline trigger token", "GitLab", "ci-cd-token"],
  "gitlab-rrt": ["gitlab_runner_registration_token", "GitLab runner registration token", "GitLab", "ci-cd-token"],
  "gitlab-runner-authentication-token": ["gitlab_runner_auth_token", "GitLab runner authentication token", "GitLab", "ci-cd-token"],
  "gitlab-runner-authentication-token-routable": [
    "gitlab_runner_auth_token",
    "GitLab runner authentication token",
    "GitLab",
    "ci-cd-token",
  ],
  "gitlab-deploy-token": ["gitlab_deploy_token", "GitLab deploy token", "GitLab", "ci-cd-token"],
  "gitlab-cicd-job-token": ["gitlab_ci_build_token", "GitLab CI/CD job token", "GitLab", "ci-cd-token"],
  "gitlab-kubernetes-agent-token": ["gitlab_kubernetes_agent_token", "GitLab Kubernetes agent token", "GitLab", "ci-cd-token"],
  "gitlab-oauth-app-secret": ["gitlab_oauth_app_secret", "GitLab OAuth application secret", "GitLab", "oauth-token"],
  "aws-access-token": ["aws_access_key_id", "AWS access key", "Amazon AWS", "cloud-access-key"],
  "gcp-api-key": ["google_api_key", "Google API key", "Google", "api-key"],
  "azure-ad-client-secret": ["azure_active_directory_application_secret", "Azure AD client secret", "Azure", "service-account-key"],
  "alibaba-access-key-id": ["alibaba_cloud_access_key_id", "Alibaba Cloud AccessKey ID", "Alibaba", "cloud-access-key"],
  "alibaba-secret-key": ["alibaba_cloud_access_key_secret", "Alibaba Cloud AccessKey secret", "Alibaba", "cloud-access-key"],
  "digitalocean-pat": ["digitalocean_personal_access_token", "DigitalOcean personal access token", "DigitalOcean", "cloud-access-key"],
  "digitalocean-access-token": ["digitalocean_oauth_token", "DigitalOcean OAuth token", "DigitalOcean", "oauth-token"],
  "digitalocean-refresh-token": ["digitalocean_refresh_token", "DigitalOcean refresh token", "DigitalOcean", "oauth-token"],
  "slack-bot-token": ["slack_api_token", "Slack bot token", "Slack", "api-key"],
  "slack-user-token": ["slack_api_token", "Slack user token", "Slack", "api-key"],
  "slack-app-token": ["slack_api_token", "Slack app token", "Slack", "api-key"],
  "slack-legacy-bot-token": ["slack_api_token", "Slack legacy bot token", "Slack", "api-key"],
  "slack-legacy-token": ["slack_api_token", "Slack legacy token", "Slack", "api-key"],
  "slack-legacy-workspace-token": ["slack_api_token", "Slack legacy workspace token", "Slack", "api-key"],
  "slack-config-access-token": ["slack_api_token", "Slack configuration token", "Slack", "api-key"],
  "slack-config-refresh-token": ["slack_api_token", "Slack configuration refresh token", "Slack", "api-key"],
  "slack-webhook-url": ["slack_incoming_webhook_url", "Slack incoming webhook URL", "Slack", "webhook-secret"],
  "stripe-access-token": ["stripe_api_key", "Stripe API key", "Stripe", "api-key"],
  "square-access-token": ["square_access_token", "Square access token", "Square", "api-key"],
  "npm-access-token": ["npm_access_token", "npm access token", "npm", "ci-cd-token"],
  "pypi-upload-token": ["pypi_api_token", "PyPI API token", "PyPI", "ci-cd-token"],
  "rubygems-api-token": ["rubygems_api_key", "RubyGems API key", "RubyGems", "ci-cd-token"],
  "pulumi-api-token": ["pulumi_access_token", "Pulumi access token", "Pulumi", "ci-cd-token"],
  "hashicorp-tf-api-token": ["terraform_api_token", "Terraform Cloud API token", "HashiCorp", "ci-cd-token"],
  "vault-service-token": ["hashicorp_vault_service_token", "HashiCorp Vault service token", "HashiCorp", "service-account-key"],
  "vault-batch-token": ["hashicorp_vault_batch_token", "HashiCorp Vault batch token", "HashiCorp", "service-account-key"],
  "private-key": ["private_key", "Private key", null, "private-key"],
  "openai-api-key": ["openai_api_key", "OpenAI API key", "OpenAI", "api-key"],
  "anthropic-api-key": ["anthropic_api_key", "Anthropic API key", "Anthropic", "api-key"],
  "anthropic-admin-api-key": ["anthropic_admin_api_key", "Anthropic admin API key", "Anthropic", "api-key"],
  "huggingface-access-token": ["hf_user_access_token", "Hugging Face user access token", "Hugging Face", "personal-access-token"],
  "huggingface-organization-api-token": ["hf_org_api_key", "Hugging Face organization API token", "Hugging Face", "api-key"],
  "sendgrid-api-token": ["sendgrid_api_key", "SendGrid API key", "SendGrid", "api-key"],
  "twilio-api-key": ["twilio_api_key", "Twilio API key", "Twilio", "api-key"],
  "mailgun-private-api-token": ["mailgun_api_key", "Mailgun API key", "Mailgun", "api-key"],
  "mailchimp-api-key": ["mailchimp_api_key", "Mailchimp API key", "Mailchimp", "api-key"],
  "shopify-access-token": ["shopify_access_token", "Shopify access token", "Shopify", "api-key"],
  "shopify-custom-access-token": ["shopify_custom_app_access_token", "Shopify custom app access token", "Shopify", "api-key"],
  "shopify-private-app-access-token": ["shopify_private_app_password", "Shopify private app password", "Shopify", "api-key"],
  "shopify-shared-secret": ["shopify_app_shared_secret", "Shopify app shared secret", "Shopify", "oauth-token"],
  "databricks-api-token": ["databricks_access_token", "Databricks access token", "Databricks", "personal-access-token"],
  "doppler-api-token": ["doppler_personal_token", "Doppler personal token", "Doppler", "personal-access-token"],
  "dynatrace-api-token": ["dynatrace_api_token", "Dynatrace API token", "Dynatrace", "api-key"],
  "grafana-cloud-api-token": ["grafana_cloud_api_token", "Grafana Cloud API token", "Grafana", "api-key"],
  "grafana-service-account-token": [
    "grafana_project_service_account_token",
    "Grafana service account token",
    "Grafana",
    "service-account-key",
  ],
  "linear-api-key": ["linear_api_key", "Linear API key", "Linear", "personal-access-token"],
  "new-relic-user-api-key": ["new_relic_personal_api_key", "New Relic user API key", "New Relic", "personal-access-token"],
  "notion-api-token": ["notion_api_token", "Notion API token", "Notion", "api-key"],
  "planetscale-password": ["planetscale_database_password", "PlanetScale database password", "PlanetScale", "database-credential"],
  "planetscale-api-token": ["planetscale_service_token", "PlanetScale service token", "PlanetScale", "service-account-key"],
  "planetscale-oauth-token": ["planetscale_oauth_token", "PlanetScale OAuth token", "PlanetScale", "oauth-token"],
  "postman-api-token": ["postman_api_key", "Postman API key", "Postman", "personal-access-token"],
  "prefect-api-token": ["prefect_user_api_key", "Prefect user API key", "Prefect", "personal-access-token"],
  "sentry-user-token": ["sentry_personal_token", "Sentry user token", "Sentry", "personal-access-token"],
  "sentry-org-token": ["sentry_org_auth_token", "Sentry organization token", "Sentry", "ci-cd-token"],
  "telegram-bot-api-token": ["telegram_bot_token", "Telegram bot token", "Telegram", "api-key"],

  // --- TruffleHog (DetectorName) ----------------------------------------------------------------
  aws: ["aws_access_key_id", "AWS access key", "Amazon AWS", "cloud-access-key"],
  awssessionkey: ["aws_session_token", "AWS session token", "Amazon AWS", "cloud-access-key"],
  github: ["github_personal_access_token", "GitHub token", "GitHub", "personal-access-token"],
  githubold: ["github_personal_access_token", "GitHub personal access token (legacy)", "GitHub", "personal-access-token"],
  gitlab: ["gitlab_access_token", "GitLab access token", "GitLab", "personal-access-token"],
  gitlabv2: ["gitlab_access_token", "GitLab access token", "GitLab", "personal-access-token"],
  slack: ["slack_api_token", "Slack token", "Slack", "api-key"],
  slackwebhook: ["slack_incoming_webhook_url", "Slack incoming webhook URL", "Slack", "webhook-secret"],
  stripe: ["stripe_api_key", "Stripe API key", "Stripe", "api-key"],
  privatekey: ["private_key", "Private key", null, "private-key"],
  gcp: ["google_cloud_service_account_credentials", "Google Cloud service account key", "Google", "service-account-key"],
  azure: ["azure_active_directory_application_secret", "Azure AD client secret", "Azure", "service-account-key"],
  azurestorage: ["azure_storage_account_key", "Azure storage account key", "Azure", "cloud-access-key"],
  npmtoken: ["npm_access_token", "npm access token", "npm", "ci-cd-token"],
  npmtokenv2: ["npm_access_token", "npm access token", "npm", "ci-cd-token"],
  openai: ["openai_api_key", "OpenAI API key", "OpenAI", "api-key"],
  anthropic: ["anthropic_api_key", "Anthropic API key", "Anthropic", "api-key"],
  huggingface: ["hf_user_access_token", "Hugging Face access token", "Hugging Face", "personal-access-token"],
  sendgrid: ["sendgrid_api_key", "SendGrid API key", "SendGrid", "api-key"],
  pulumi: ["pulumi_access_token", "Pulumi access token", "Pulumi", "ci-cd-token"],
  terraformcloudpersonaltoken: ["terraform_api_token", "Terraform Cloud API token", "HashiCorp", "ci-cd-token"],
  digitaloceantoken: ["digitalocean_personal_access_token", "DigitalOcean personal access token", "DigitalOcean", "cloud-access-key"],
  digitaloceanv2: ["digitalocean_personal_access_token", "DigitalOcean personal access token", "DigitalOcean", "cloud-access-key"],
  postgres: ["postgres_connection_string", "PostgreSQL connection string", null, "database-credential"],
  mongodb: ["mongodb_connection_string", "MongoDB connection string", "MongoDB", "database-credential"],
};

/** The GitHub secret type a GitHub token's prefix names; reading a prefix keeps nothing of the token. */
const GITHUB_PREFIX: readonly [string, Row][] = [
  ["github_pat_", ["github_personal_access_token", "GitHub fine-grained personal access token", "GitHub", "personal-access-token"]],
  ["ghp_", ["github_personal_access_token", "GitHub personal access token", "GitHub", "personal-access-token"]],
  ["gho_", ["github_oauth_access_token", "GitHub OAuth access token", "GitHub", "oauth-token"]],
  ["ghu_", ["github_oauth_access_token", "GitHub App user access token", "GitHub", "oauth-token"]],
  ["ghs_", ["github_app_installation_access_token", "GitHub App installation access token", "GitHub", "github-app-credential"]],
  ["ghr_", ["github_refresh_token", "GitHub refresh token", "GitHub", "github-app-credential"]],
];

function info(row: Row): DetectorInfo {
  return { secretType: row[0], displayName: row[1], provider: row[2], identityClass: row[3], mapped: true };
}

/**
 * What a detector id means. `rawPrefixSource` is the raw value a TruffleHog result carries: only
 * its first characters are compared with known prefixes (ghs_ vs ghp_, ASIA vs AKIA) to tell token
 * kinds apart; it is never stored.
 */
export function describeDetector(detector: string, rawPrefixSource?: string | null): DetectorInfo {
  const key = detector.trim().toLowerCase();
  if (rawPrefixSource && key === "github") {
    for (const [prefix, row] of GITHUB_PREFIX) if (rawPrefixSource.startsWith(prefix)) return info(row);
  }
  if (rawPrefixSource && key === "aws" && rawPrefixSource.startsWith("ASIA")) {
    return info(["aws_temporary_access_key_id", "AWS temporary access key", "Amazon AWS", "cloud-access-key"]);
  }
  const row = Object.hasOwn(TABLE, key) ? TABLE[key] : undefined;
  if (row) return info(row);
  return {
    secretType: secretTypeFromDetector(detector),
    displayName: humanize(detector),
    provider: null,
    identityClass: null,
    mapped: false,
  };
}

/** Every row, for the table in docs and the consistency test. */
export function detectorTable(): [string, DetectorInfo][] {
  return Object.entries(TABLE).map(([k, row]) => [k, info(row)]);
}

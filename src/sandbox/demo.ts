/**
 * The demo organisation `acme`, used by `nhi-steward simulate` and end-to-end tests.
 *
 * The planted secrets have the real formats but are obviously fake (they spell FAKE/Sandbox). They are
 * assembled at runtime so that no real-format token literal sits in this source file (secret scanners and
 * push protection would flag it).
 */
import type { SandboxState } from "./state.ts";

function fake(prefix: string, body: string, length: number): string {
  return prefix + body.padEnd(length, "0").slice(0, length);
}

export const DEMO_SECRET_VALUES = {
  githubPat: fake("ghp" + "_", "FAKESandboxDemoTokenNotReal", 36),
  awsAccessKeyId: fake("AK" + "IA", "FAKESANDBOXDEMO1", 16),
  slackWebhook: "https://hooks.slack" + ".com/services/" + "T0FAKE000/" + "B0FAKE000/" + fake("", "FakeSandboxDemoWebhook", 24),
  npmToken: fake("npm" + "_", "FAKEsandboxDemoNpmToken", 36),
  stripeKey: fake("sk_" + "live_", "FAKEsandboxDemoStripeKey", 24),
} as const;

/** Every secret value the demo plants (for leak hunts: none of them may appear in anything the app writes). */
export const DEMO_SECRETS: readonly string[] = Object.values(DEMO_SECRET_VALUES);

export interface DemoAlert {
  owner: string;
  repo: string;
  number: number;
  secretType: string;
  secret: string;
  path: string;
  /** The CODEOWNERS owners covering `path` (empty: no line covers it, the fallback owner applies). */
  expectedOwners: string[];
}

const PAYMENTS_CODEOWNERS = `# Ownership for payments-api. Later lines win.
*                   @acme/payments
/deploy/            @acme/platform
/config/stripe.ts   @carol
docs/               @alice
`;

const PLATFORM_CODEOWNERS = `# Platform infrastructure. Deliberately no catch-all line.
/terraform/   @acme/platform
/scripts/     @bob
*.tf          @acme/platform
`;

const s = DEMO_SECRET_VALUES;

/** The demo's alerts, in creation order; numbers are per repository. */
export const DEMO_ALERTS: readonly DemoAlert[] = [
  {
    owner: "acme",
    repo: "payments-api",
    number: 1,
    secretType: "stripe_api_key",
    secret: s.stripeKey,
    path: "config/stripe.ts",
    expectedOwners: ["@carol"],
  },
  {
    owner: "acme",
    repo: "payments-api",
    number: 2,
    secretType: "aws_access_key_id",
    secret: s.awsAccessKeyId,
    path: "deploy/terraform.tfvars",
    expectedOwners: ["@acme/platform"],
  },
  {
    owner: "acme",
    repo: "platform-infra",
    number: 1,
    secretType: "github_personal_access_token",
    secret: s.githubPat,
    path: "scripts/release.sh",
    expectedOwners: ["@bob"],
  },
  {
    owner: "acme",
    repo: "platform-infra",
    number: 2,
    secretType: "slack_incoming_webhook_url",
    secret: s.slackWebhook,
    path: "tools/notify.py",
    expectedOwners: [],
  },
  {
    owner: "acme",
    repo: "web-frontend",
    number: 1,
    secretType: "npm_access_token",
    secret: s.npmToken,
    path: ".npmrc",
    expectedOwners: [],
  },
];

export interface DemoSeed {
  org: string;
  installationId: number;
  /** Repository names in the organisation (including `.github`). */
  repos: string[];
  alerts: readonly DemoAlert[];
  /** Every planted secret value (same as DEMO_SECRETS). */
  secrets: readonly string[];
}

/** Seed a fresh state with the demo organisation. */
export function seedDemo(state: SandboxState): DemoSeed {
  state.addOrg("acme", { name: "Acme Corp" });
  state.addUser("alice", { email: "alice@acme.example", name: "Alice Archer" });
  state.addUser("bob", { email: "bob@acme.example", name: "Bob Baker" });
  state.addUser("carol", { email: "carol@acme.example", name: "Carol Chen" });
  state.addUser("dave", { email: "dave@acme.example", name: "Dave Diaz" });
  state.addTeam("acme", "platform", ["alice", "bob"], { name: "Platform" });
  state.addTeam("acme", "payments", ["carol"], { name: "Payments" });
  state.addTeam("acme", "security", ["dave"], { name: "Security" });
  state.addInstallation({ id: 1, account: "acme", repositories: "all" });

  state.addRepo({
    owner: "acme",
    name: "payments-api",
    description: "Card payments service",
    files: {
      ".github/CODEOWNERS": PAYMENTS_CODEOWNERS,
      "README.md": "# payments-api\n\nCharges cards through Stripe.\n",
      "config/stripe.ts": `import Stripe from "stripe";\n\n// TODO: move to the vault\nexport const stripe = new Stripe(process.env.STRIPE_KEY ?? "${s.stripeKey}");\n`,
      "deploy/terraform.tfvars": `region = "eu-west-1"\naws_access_key_id = "${s.awsAccessKeyId}"\n`,
      "docs/runbook.md": "# Runbook\n\nPage #payments-oncall.\n",
    },
  });
  state.addRepo({
    owner: "acme",
    name: "platform-infra",
    description: "Terraform and release tooling",
    files: {
      CODEOWNERS: PLATFORM_CODEOWNERS,
      "terraform/main.tf": 'terraform {\n  required_version = ">= 1.6"\n}\n',
      "scripts/release.sh": `#!/bin/sh\nset -eu\nexport GITHUB_TOKEN=${s.githubPat}\ngh release create "$1"\n`,
      "tools/notify.py": `import requests\n\nWEBHOOK = "${s.slackWebhook}"\n\nrequests.post(WEBHOOK, json={"text": "deployed"})\n`,
    },
  });
  state.addRepo({
    owner: "acme",
    name: "web-frontend",
    visibility: "internal",
    description: "Customer web app",
    files: {
      "package.json": '{\n  "name": "web-frontend",\n  "private": true\n}\n',
      ".npmrc": `//registry.npmjs.org/:_authToken=${s.npmToken}\n`,
      "src/index.ts": 'console.log("hello");\n',
    },
  });
  state.addRepo({
    owner: "acme",
    name: ".github",
    visibility: "public",
    description: "Organisation defaults",
    files: {
      ".github/nhi-steward.yml": '# nhi-steward organisation defaults\nfallback_owner: "@acme/security"\n',
      "profile/README.md": "# Acme Corp\n",
    },
  });

  const details: Record<string, { validity: "active" | "inactive" | "unknown"; publiclyLeaked?: boolean; multiRepo?: boolean }> = {
    stripe_api_key: { validity: "active" },
    aws_access_key_id: { validity: "active", publiclyLeaked: true },
    github_personal_access_token: { validity: "active", multiRepo: true },
    slack_incoming_webhook_url: { validity: "unknown" },
    npm_access_token: { validity: "inactive" },
  };
  for (const a of DEMO_ALERTS) {
    const { number } = state.addSecretScanningAlert(a.owner, a.repo, {
      secretType: a.secretType,
      secret: a.secret,
      ...details[a.secretType],
      locations: [{ path: a.path }],
    });
    if (number !== a.number) throw new Error(`sandbox demo: expected ${a.repo}#${a.number}, got #${number} (seed a fresh state)`);
  }
  return { org: "acme", installationId: 1, repos: state.reposOf("acme").map((r) => r.name), alerts: DEMO_ALERTS, secrets: DEMO_SECRETS };
}

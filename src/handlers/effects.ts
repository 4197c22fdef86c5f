import type { Clock } from "../core/clock.ts";
import type { Op } from "../core/plan.ts";
import type { Policy } from "../core/policy/schema.ts";
import type { Effects } from "../github/execute.ts";
import { PagerDutyClient } from "../github/notify/pagerduty.ts";
import { SignedWebhookPager } from "../github/notify/signed-webhook.ts";
import type { Pager } from "../github/notify/types.ts";
import type { GitHubPort } from "../github/port.ts";
import { parseRepo } from "../github/port.ts";
import {
  chooseMethod,
  CredentialsApiRevoker,
  WebhookRevoker,
  type RevocationMethod,
  type RevocationTarget,
} from "../github/revoke/index.ts";
import type { Logger } from "../log.ts";
import type { RevocationCandidate } from "./auto-revoke.ts";

export interface EffectsConfig {
  github: GitHubPort;
  /** GitHub's REST base URL; the credential revocation API lives there. */
  apiUrl: string;
  env: Record<string, string | undefined>;
  clock: Clock;
  log: Logger;
  fetch?: typeof fetch;
}

export interface RunEffects {
  effects: Effects;
  /** The pager the policy names (PagerDuty or webhook) when its secrets are in the environment; null when none. */
  pagerFor(policy: Policy): string | null;
  supports(candidate: RevocationCandidate): boolean;
}

const DEFAULT_PD_ENV = "NHI_PAGERDUTY_ROUTING_KEY";

/**
 * Builds the side effects a sweep may ask for from the environment: pagers (PagerDuty Events
 * v2 or a signed webhook, named by the policy's `*_env` keys) and revocation methods (GitHub's
 * credential revocation API; the organisation's rotation webhook when configured).
 */
export function buildEffects(config: EffectsConfig): RunEffects {
  const { env, clock, log } = config;
  const fetchOpt = config.fetch ? { fetch: config.fetch } : {};
  const pagers = new Map<string, Pager>();
  const pagerFor = (policy: Policy): { id: string; pager: Pager } | null => {
    const pdEnv = policy.escalation.pagerduty_routing_key_env ?? DEFAULT_PD_ENV;
    const key = env[pdEnv];
    if (key) {
      const id = `pd:${pdEnv}`;
      if (!pagers.has(id))
        pagers.set(
          id,
          new PagerDutyClient({
            routingKey: key,
            clock,
            log,
            ...(env.NHI_PAGERDUTY_API_URL ? { baseUrl: env.NHI_PAGERDUTY_API_URL } : {}),
            ...fetchOpt,
          }),
        );
      return { id, pager: pagers.get(id)! };
    }
    const urlEnv = policy.escalation.pager_webhook_url_env;
    const secretEnv = policy.escalation.pager_webhook_secret_env;
    if (urlEnv && secretEnv && env[urlEnv] && env[secretEnv]) {
      const id = `wh:${urlEnv}`;
      if (!pagers.has(id))
        pagers.set(id, new SignedWebhookPager({ url: env[urlEnv]!, signingSecret: env[secretEnv]!, clock, log, ...fetchOpt }));
      return { id, pager: pagers.get(id)! };
    }
    return null;
  };

  const credentials = new CredentialsApiRevoker({ baseUrl: config.apiUrl, clock, log, ...fetchOpt });
  const webhookRevokers = new Map<string, RevocationMethod>();
  const methodsFor = (policy: Policy): RevocationMethod[] => {
    const methods: RevocationMethod[] = [credentials];
    const urlEnv = policy.auto_revoke.webhook_url_env;
    const secretEnv = policy.auto_revoke.webhook_secret_env;
    if (urlEnv && secretEnv && env[urlEnv] && env[secretEnv]) {
      if (!webhookRevokers.has(urlEnv))
        webhookRevokers.set(urlEnv, new WebhookRevoker({ url: env[urlEnv]!, signingSecret: env[secretEnv]!, clock, log, ...fetchOpt }));
      methods.push(webhookRevokers.get(urlEnv)!);
    }
    return methods;
  };
  const targetOf = (op: {
    alertKey: string;
    repo: string;
    alert: number;
    secretType: string;
    identityClass: string;
    issueUrl: string | null;
  }): RevocationTarget => ({
    alertKey: op.alertKey,
    repo: op.repo,
    alertNumber: op.alert,
    secretType: op.secretType,
    identityClass: op.identityClass,
    issueUrl: op.issueUrl,
  });
  const methodsByKey = new Map<string, RevocationMethod[]>();

  return {
    pagerFor(policy) {
      return pagerFor(policy)?.id ?? null;
    },
    supports(c) {
      const methods = methodsFor(c.policy);
      methodsByKey.set(c.marker.key, methods);
      return (
        chooseMethod(
          methods,
          targetOf({
            alertKey: c.marker.key,
            repo: c.marker.repo,
            alert: c.marker.alert,
            secretType: c.marker.secretType,
            identityClass: c.marker.identityClass,
            issueUrl: c.issue.url ?? null,
          }),
        ) !== null
      );
    },
    effects: {
      async page(op: Extract<Op, { op: "page" }>) {
        const pager = op.via ? pagers.get(op.via) : undefined;
        if (!pager) throw new Error("no pager is configured for this page");
        const [repo, number] = op.alertKey.replace(/^[^:]+:/, "").split("#");
        const result = await pager.send({
          action: "trigger",
          alertKey: op.alertKey,
          summary: op.summary,
          severity: op.severity,
          repo: repo ?? "",
          alertNumber: Number(number),
          secretType: op.secretType || op.identityClass,
          identityClass: op.identityClass,
          issueUrl: op.url,
        });
        if (!result.ok) throw new Error(`paging failed: ${result.detail}`);
      },
      async revoke(op: Extract<Op, { op: "revoke" }>) {
        const target = targetOf(op);
        const method = chooseMethod(methodsByKey.get(op.alertKey) ?? [credentials], target);
        if (!method) throw new Error(`no revocation method supports ${op.secretType}`);
        const outcome = await method.revoke(target, () => config.github.readSecretForRevocation(parseRepo(op.repo), op.alert));
        if (outcome.status !== "revoked") throw new Error(`${method.name}: ${outcome.detail}`);
        return `${method.name}: ${outcome.detail}`;
      },
    },
  };
}

export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

/** Every label nhi-steward writes, with the colour and description it creates it with. */
export const LABELS = {
  response: { name: "nhi-response", color: "b60205", description: "Non-human identity alert to remediate (nhi-steward)" },
  unowned: { name: "nhi:unowned", color: "fbca04", description: "No owner found for this credential; routed to the fallback owner" },
  configError: {
    name: "nhi-steward:config-error",
    color: "d93f0b",
    description: "The nhi-steward policy file is invalid; defaults apply until it is fixed",
  },
  critical: { name: "severity:critical", color: "b60205", description: "Active credential with public exposure: act now" },
  high: { name: "severity:high", color: "d93f0b", description: "Likely usable credential: act today" },
  medium: { name: "severity:medium", color: "fbca04", description: "Credential of uncertain risk: act this week" },
  low: { name: "severity:low", color: "0e8a16", description: "Inactive or low-impact credential: confirm and close" },
  onTrack: { name: "sla:on-track", color: "0e8a16", description: "Within the SLA window" },
  atRisk: { name: "sla:at-risk", color: "fbca04", description: "Most of the SLA window is used: act now" },
  breached: { name: "sla:breached", color: "b60205", description: "The SLA deadline has passed" },
  acknowledged: { name: "nhi:acknowledged", color: "1d76db", description: "An owner has acknowledged this alert (/ack)" },
  snoozed: { name: "nhi:snoozed", color: "c5def5", description: "Escalation paused by an accepted, time-boxed risk (/snooze)" },
  inventory: {
    name: "nhi-steward:inventory",
    color: "5319e7",
    description: "Known app installations and their permissions (nhi-steward compares against this)",
  },
  report: { name: "nhi-steward:report", color: "5319e7", description: "The nhi-steward response report, updated in place" },
  needsResolution: {
    name: "nhi:needs-resolution",
    color: "d93f0b",
    description: "Closed without saying how: add a resolution:* label or /resolve",
  },
  autoRevoked: { name: "nhi:auto-revoked", color: "5319e7", description: "nhi-steward revoked this credential after its SLA lapsed" },
} as const satisfies Record<string, LabelSpec>;

export function labelSpec(name: string): LabelSpec {
  const found = Object.values(LABELS).find((l) => l.name === name);
  if (found) return found;
  const level = /^escalation:L(\d+)$/.exec(name);
  if (level) return { name, color: "d93f0b", description: `Escalated to level ${level[1]}` };
  if (name.startsWith("resolution:")) return { name, color: "0e8a16", description: `Closed as ${name.slice(11)}` };
  return { name, color: "ededed", description: "" };
}

/** Labels nhi-steward sets and takes away as state changes; people may add others freely. */
export function isManagedStateLabel(name: string): boolean {
  return /^(severity|sla|escalation):/.test(name) || name === LABELS.acknowledged.name || name === LABELS.snoozed.name;
}

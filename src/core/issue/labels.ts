export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

/** Every label nhi-steward writes, with the colour and description it creates it with. */
export const LABELS = {
  response: { name: "nhi-response", color: "b60205", description: "Non-human identity alert to remediate (nhi-steward)" },
  unowned: { name: "nhi:unowned", color: "fbca04", description: "No owner found for this credential; routed to the fallback owner" },
  configError: { name: "nhi-steward:config-error", color: "d93f0b", description: "The nhi-steward policy file is invalid; defaults apply until it is fixed" },
  critical: { name: "severity:critical", color: "b60205", description: "Active credential with public exposure: act now" },
  high: { name: "severity:high", color: "d93f0b", description: "Likely usable credential: act today" },
  medium: { name: "severity:medium", color: "fbca04", description: "Credential of uncertain risk: act this week" },
  low: { name: "severity:low", color: "0e8a16", description: "Inactive or low-impact credential: confirm and close" },
} as const satisfies Record<string, LabelSpec>;

export function labelSpec(name: string): LabelSpec {
  const found = Object.values(LABELS).find((l) => l.name === name);
  return found ?? { name, color: "ededed", description: "" };
}

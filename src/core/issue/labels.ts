export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

/** Every label nhi-steward writes, with the colour and description it creates it with. */
export const LABELS = {
  response: { name: "nhi-response", color: "b60205", description: "Non-human identity alert to remediate (nhi-steward)" },
  unowned: { name: "nhi:unowned", color: "fbca04", description: "No owner found for this credential; routed to the fallback owner" },
} as const satisfies Record<string, LabelSpec>;

export function labelSpec(name: string): LabelSpec {
  const found = Object.values(LABELS).find((l) => l.name === name);
  return found ?? { name, color: "ededed", description: "" };
}

import { decodeMarker, type Marker } from "../core/issue/marker.ts";
import type { ExistingIssue } from "../core/plan.ts";
import { storedMarker } from "../github/sweep-state.ts";

const decoded = new WeakMap<ExistingIssue, Marker | null>();

/** An issue's marker, decoded once per issue object (a sweep reads each issue's marker twice or more). */
export function issueMarker(issue: ExistingIssue): Marker | null {
  if (decoded.has(issue)) return decoded.get(issue)!;
  // An issue from the sweep state carries its marker without its body.
  const stored = storedMarker(issue);
  const marker = stored !== undefined ? stored : decodeMarker(issue.body);
  decoded.set(issue, marker);
  return marker;
}

/**
 * The event names router.ts's table registers for (without actions), and nothing else, so the Action
 * can decide that an event has nothing for it to do without loading the handlers (a no-op start
 * stays under 100 ms). router.ts's `ROUTES` stays the one table: this is only its list of event
 * names, which test/handlers/routed-events.test.ts compares with `ROUTED_EVENTS`: a row for a new
 * event name needs the name here too. Rows for more actions of a listed event need nothing here.
 */
export const ROUTED_EVENT_NAMES: readonly string[] = [
  "secret_scanning_alert",
  "secret_scanning_alert_location",
  "installation",
  "installation_repositories",
  "issues",
  "issue_comment",
  "repository_dispatch",
  "personal_access_token_request",
];

/**
 * Whether router.ts may have a route for the event: false means `routeFor` finds none whatever the
 * action; true means load the router and ask it (it may still find none for this action).
 */
export function mayHaveRoute(name: string): boolean {
  return ROUTED_EVENT_NAMES.includes(name);
}

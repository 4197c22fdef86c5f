import { describe, expect, it } from "vitest";
import { mayHaveRoute, ROUTED_EVENT_NAMES } from "../../src/handlers/routed-events.ts";
import { ROUTED_EVENTS, routeFor } from "../../src/handlers/router.ts";

describe("routed-events.ts (the Action's light list of the router's event names)", () => {
  it("names exactly the events router.ts's table registers for: a row for a new event needs its name there", () => {
    expect([...ROUTED_EVENT_NAMES].sort()).toEqual([...ROUTED_EVENTS].sort());
  });

  it("never says no where routeFor finds a route", () => {
    const names = [...ROUTED_EVENTS, "push", "schedule", "workflow_dispatch", "pull_request", "release"];
    const actions = [undefined, "created", "closed", "opened", "added", "approved", "assigned", "nhi-alert", "deleted"];
    for (const name of names)
      for (const action of actions) if (routeFor(name, action)) expect(mayHaveRoute(name), `${name}.${action}`).toBe(true);
    expect(mayHaveRoute("push")).toBe(false);
  });
});

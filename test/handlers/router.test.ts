import { describe, expect, it } from "vitest";
import { ALWAYS_DELIVERED, ROUTED_EVENTS, ROUTES, routeFor } from "../../src/handlers/router.ts";
import { HANDLED_EVENTS } from "../../src/app/app.ts";

describe("one event router for the App and the Action", () => {
  it("picks the route Probot would call for an event and its action", () => {
    expect(routeFor("issues", "closed")?.claim).toBe("issues.closed");
    expect(routeFor("issue_comment", "created")?.claim).toBe("issue_comment");
    expect(routeFor("secret_scanning_alert", "created")?.claim).toBe("alert");
    expect(routeFor("secret_scanning_alert_location", "created")?.claim).toBe("alert");
    expect(routeFor("repository_dispatch", "nhi-alert")?.claim).toBe("repository_dispatch");
    expect(routeFor("personal_access_token_request", "approved")?.claim).toBe("personal_access_token_request");
  });

  it("has nothing for events the App does nothing with", () => {
    expect(routeFor("issues", "labeled")).toBeNull();
    expect(routeFor("issues", "reopened")).toBeNull();
    expect(routeFor("issue_comment", "edited")).toBeNull();
    expect(routeFor("schedule", undefined)).toBeNull();
    expect(routeFor("push", undefined)).toBeNull();
  });

  it("is the table the App registers (and app.yml subscribes to)", () => {
    // Less the events GitHub sends every app unasked (a manifest cannot name them).
    expect([...HANDLED_EVENTS].sort()).toEqual(ROUTED_EVENTS.filter((e) => !ALWAYS_DELIVERED.includes(e)).sort());
    expect(new Set(ROUTES.map((r) => r.claim)).size).toBe(ROUTES.length);
  });
});

/** Credential revocation and the rate-limit status. */
import { HttpError, bodyObject, json, optStringArray, route, type Route } from "../http.ts";

export const miscRoutes: Route[] = [
  // GitHub: "Any authenticated requests will return a 403." The endpoint is meant for credentials the caller does not own.
  route("POST", "/credentials/revoke", "credentials/revoke#revoke-a-list-of-credentials", (ctx) => {
    if (ctx.token !== null)
      throw new HttpError(403, "Must not be authenticated: send credential revocations without an Authorization header.");
    const credentials = optStringArray(bodyObject(ctx), "credentials");
    if (!credentials || credentials.length === 0 || credentials.length > 1000) {
      throw new HttpError(422, 'Invalid request.\n\n"credentials" must list 1 to 1000 credentials.');
    }
    ctx.state.recordRevocations(credentials);
    return json(202, {});
  }),

  route("GET", "/rate_limit", "rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user", (ctx) => {
    const core = ctx.rate();
    const other = (limit: number) => ({ limit, remaining: limit, reset: core.reset, used: 0 });
    return json(200, {
      resources: {
        core,
        search: other(30),
        graphql: other(5000),
        integration_manifest: other(5000),
        code_search: other(10),
      },
      rate: core,
    });
  }),
];

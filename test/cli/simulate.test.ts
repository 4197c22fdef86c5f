import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { captureIo } from "../support/capture-io.ts";

describe("nhi-steward simulate", () => {
  it("runs the app and the built Action against the demo organisation and shows who got what", async () => {
    const io = captureIo();
    expect(await main(["simulate"], io)).toBe(0);
    const out = io.out();
    expect(out).toContain("1. The app receives signed secret_scanning_alert webhooks for 3 alerts:");
    expect(out).toMatch(/exit 0; outputs: opened=\d+ updated=\d+/);
    expect(out).toContain("via Action");
    expect(out).toContain("→ @carol: .github/CODEOWNERS line 4");
    expect(out).toContain("Planted secret values found in issues, comments, labels, logs or the job summary: 0 of 5.");
    expect(out).not.toContain("Requests GitHub would have rejected");
  }, 60_000);
});

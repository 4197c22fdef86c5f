import { z } from "zod";

const ownerPattern = /^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\/[A-Za-z0-9._-]+)?$/;
const repoPattern = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;

/**
 * The policy an organisation declares in `.github/nhi-steward.yml`. This zod schema is the single
 * source of its types, defaults and descriptions.
 */
export const policySchema = z
  .object({
    fallback_owner: z
      .string()
      .regex(ownerPattern, "must be a user (`@login`) or a team (`@org/team`)")
      .optional()
      .describe("Who gets an alert when no other rule finds an owner: `@user` or `@org/team`."),
    response_repository: z
      .string()
      .regex(repoPattern, "must be `owner/name`")
      .optional()
      .describe("A private repository (`owner/name`) where issues for alerts in public repositories are opened, so an unrevoked secret is never described in public."),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;

export const POLICY_FILE = ".github/nhi-steward.yml";

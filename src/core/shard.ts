import { fingerprint } from "./issue/digest.ts";

/** One of `count` parts of an organisation's repositories, numbered from 1: `2/4`. */
export interface Shard {
  index: number;
  count: number;
}

export const WHOLE: Shard = Object.freeze({ index: 1, count: 1 });

/** Reads `k/n` (1 ≤ k ≤ n ≤ 256); an empty value is the whole organisation. */
export function parseShard(text: string): Shard {
  const t = text.trim();
  if (!t) return WHOLE;
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(t);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || index < 1 || count < 1 || index > count || count > 256) {
    throw new Error(
      `shard "${text}" is not a part of the organisation: write it as k/n with 1 ≤ k ≤ n ≤ 256, e.g. "2/4" (a matrix of 4 jobs, shard: "\${{ matrix.shard }}/4").`,
    );
  }
  return { index, count };
}

/**
 * Whether a shard owns a repository (`owner/name`, any case): every repository belongs to exactly
 * one of the `count` shards, by a stable hash of its name, so a matrix of sweeps covers the
 * organisation once. Organisation-level work (the app inventory, the audit log, token requests)
 * lives in the shard that owns `<org>/.github`.
 */
export function ownsRepository(shard: Shard, repo: string): boolean {
  if (shard.count === 1) return true;
  const h = parseInt(fingerprint(repo.toLowerCase()).slice(0, 8), 16);
  return (h % shard.count) + 1 === shard.index;
}

/** core/promotable: which promotions the environments board offers, one row per case. */
import { describe, expect, it } from "vitest";
import type { AnyEvent } from "../../src/core/events.js";
import { foldEvents } from "../../src/core/fold.js";
import { promotableVersions } from "../../src/core/promotable.js";
import type { ReleaseState } from "../../src/core/release-state.js";

/** A run folded from its request, then given the state and times the case needs. */
function run(
  release: string,
  environment: string,
  state: ReleaseState["state"],
  times: { requested: string; deployed?: string; certified?: string },
): ReleaseState {
  const version = release.split("@")[0]!;
  const requested = {
    seq: 1,
    release,
    type: "ReleaseRequested",
    at: times.requested,
    actor: { id: "alice@example.com", role: "hum-lead" },
    data: { version, environment, previous: null, previousSource: "none", base: null, attempt: 1, earlier: [] },
    prev: "",
    hash: "h",
  } as unknown as AnyEvent;
  return {
    ...foldEvents([requested])!,
    state,
    ...(times.deployed ? { deployedAt: times.deployed, deployed: true } : {}),
    ...(times.certified ? { certifiedAt: times.certified } : {}),
  };
}

const ORDER = ["staging", "production"];
const t = (n: number) => `2026-01-01T00:00:${String(n).padStart(2, "0")}.000Z`;
const certified = (release: string, env: string, at: number) =>
  run(release, env, "certified", { requested: t(at), deployed: t(at + 1), certified: t(at + 2) });

describe("promotableVersions", () => {
  const rows: { name: string; runs: ReleaseState[]; order?: string[]; want: [string, string, string][] }[] = [
    { name: "nothing ran", runs: [], want: [] },
    {
      name: "certified on staging: offered to production",
      runs: [certified("1.1.0", "staging", 1)],
      want: [["1.1.0", "staging", "production"]],
    },
    { name: "no promotion order: nothing offered", runs: [certified("1.1.0", "staging", 1)], order: [], want: [] },
    {
      name: "still open on staging: not offered",
      runs: [run("1.1.0", "staging", "awaiting-hum-lead", { requested: t(1) })],
      want: [],
    },
    {
      name: "rolled back on staging after certification: not offered",
      runs: [run("1.1.0", "staging", "rolled-back", { requested: t(1), deployed: t(2), certified: t(3) })],
      want: [],
    },
    {
      name: "production busy with another release: nothing offered to it",
      runs: [certified("1.1.0", "staging", 1), run("1.0.5", "production", "running", { requested: t(10) })],
      want: [],
    },
    {
      name: "already runs on production: not offered",
      runs: [certified("1.1.0", "staging", 1), certified("1.1.0@production", "production", 10)],
      want: [],
    },
    {
      name: "a newer certified version is offered; an older one under a newer deployment is not",
      runs: [
        certified("1.0.0", "staging", 1),
        certified("1.1.0", "staging", 5),
        certified("1.1.0@production", "production", 10),
        certified("1.2.0", "staging", 20),
        certified("1.3.0", "staging", 30),
      ],
      want: [
        ["1.3.0", "staging", "production"],
        ["1.2.0", "staging", "production"],
      ],
    },
    {
      name: "three environments: each step of the order",
      runs: [
        certified("1.1.0", "testing", 1),
        certified("1.1.0@staging", "staging", 10),
        certified("1.2.0", "testing", 20),
      ],
      order: ["testing", "staging", "production"],
      want: [
        ["1.2.0", "testing", "staging"],
        ["1.1.0", "staging", "production"],
      ],
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const got = promotableVersions(row.runs, row.order ?? ORDER).map((p) => [p.version, p.from, p.to]);
      expect(got).toEqual(row.want);
    });

  it("names the certified run whose package would be deployed", () => {
    expect(promotableVersions([certified("1.1.0", "staging", 1)], ORDER)).toEqual([
      { version: "1.1.0", from: "staging", to: "production", release: "1.1.0", certifiedAt: t(3) },
    ]);
  });
});

import { existsSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AI, brtops, HUM, sampleProject } from "../support/cli.js";
import { contextAdvice } from "../../src/mcp/context-advice.js";

describe("orient and defrag", () => {
  let root: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ root, cleanup } = sampleProject());
    expect(brtops(root, AI, ["release", "2.1.0", "--to", "staging", "--json"]).json?.state).toBe("awaiting-hum-lead");
    expect(brtops(root, AI, ["ask", "Is the Friday window acceptable?"]).code).toBe(0);
  }, 120_000);
  afterAll(() => cleanup?.());

  it("orient briefs the step, the open question and CONDITIONAL readiness at a gate", () => {
    const st = brtops(root, AI, ["status", "--json"]).json;
    const r = brtops(root, AI, ["orient"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`step ${st.step}`);
    expect(r.stdout).toContain("Ready for operations: CONDITIONAL");
    expect(r.stdout).toContain("Is the Friday window acceptable?");
    expect(r.stdout).toContain(st.next[0]);
    const j = brtops(root, AI, ["orient", "--json"]).json;
    expect(j.ready).toBe("CONDITIONAL");
    expect(j.openQuestions[0].text).toBe("Is the Friday window acceptable?");
  });

  it("orient with a 50-word budget stays within it and says what was trimmed", () => {
    const r = brtops(root, AI, ["orient", "50", "--json"]).json;
    expect(r.words).toBeLessThanOrEqual(50);
    expect(r.trimmed.length).toBeGreaterThan(0);
    const t = brtops(root, AI, ["orient", "50"]).stdout;
    expect(t.split(/\s+/).filter(Boolean).length).toBeLessThanOrEqual(50);
    expect(t).toContain("Trimmed to fit 50 words");
    expect(t).toContain("Ready for operations: CONDITIONAL");
  });

  it("orient refuses a nonsense budget", () => {
    const r = brtops(root, AI, ["orient", "lots", "--json"]);
    expect(r.code).not.toBe(0);
    expect(r.json.error.code).toBe("E_USAGE");
  });

  it("defrag writes a checkpoint file and a checkpoint Note; the chain still verifies", () => {
    const before = brtops(root, AI, ["status", "--json"]).json.lastSeq;
    const r = brtops(root, AI, ["defrag", "--json"]);
    expect(r.code).toBe(0);
    const file = join(root, r.json.file);
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, "utf8");
    expect(createHash("sha256").update(text).digest("hex")).toBe(r.json.sha256);
    expect(text).toContain("## Preserved");
    expect(text).toContain("## Compressed");
    expect(text).toContain("Is the Friday window acceptable?");
    expect(r.json.uptoSeq).toBe(before);
    const audit = brtops(root, AI, ["audit", "--json"]);
    expect(audit.json.releases[0].log.at(-1)).toMatchObject({ seq: r.json.seq, type: "Note" });
    const o = brtops(root, AI, ["orient", "--json"]).json;
    expect(o.lastCheckpoint).toMatchObject({ kind: "defrag", seq: r.json.seq });
    expect(brtops(root, AI, ["audit", "verify"]).code).toBe(0);
    expect(brtops(root, AI, ["orient"]).stdout).toContain("Last checkpoint: checkpoint");
  });

  it("defrag is refused to someone not named", () => {
    const r = brtops(root, "stranger@example.com", ["defrag", "--json"]);
    expect(r.code).not.toBe(0);
    expect(r.json.error.code).toBe("E_NOT_AUTHORIZED");
    void HUM;
  });

  it("context advice follows the RELEASE and per-SEV thresholds", () => {
    expect(contextAdvice(50).action).toBe("continue");
    expect(contextAdvice(70).action).toBe("defrag");
    expect(contextAdvice(80).action).toBe("orient");
    expect(contextAdvice(95).action).toBe("emergency");
    expect(contextAdvice(72, "SEV-2").action).toBe("continue");
    expect(contextAdvice(66, "SEV-0").thresholds).toEqual({ defrag: 65, orient: 80, emergency: 95 });
  });
});

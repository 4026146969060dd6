import { describe, expect, it } from "vitest";
import {
  classifyStatusValue,
  isTemplatePlaceholder,
  readStatusLines,
  splitStatusLine,
} from "../../src/intel/readiness-status.js";
import { readNoteSections, sectionOfHeading } from "../../src/intel/readiness-sections.js";
import { readTables } from "../../src/intel/readiness-tables.js";
import { parseScore, readFields } from "../../src/intel/readiness-fields.js";
import { parseFeatureIndex, parseFeatureRegistry } from "../../src/intel/parse-feature-index.js";
import { decodeDoc, looksBinary } from "../../src/intel/doc-text.js";

describe("status values", () => {
  it.each([
    ["COMPLETE", "complete"],
    ["✅ PRODUCTION READY", "complete"],
    ["✅ APPROVED FOR PRODUCTION", "complete"],
    ["CERTIFIED", "complete"],
    ["GO", "complete"],
    ["complete", "complete"],
    ["✅", "complete"],
    ["COMPLETE - no blockers", "complete"],
    ["NOT_READY", "blocked"],
    ["NO-GO", "blocked"],
    ["❌ BLOCKED", "blocked"],
    ["REJECTED", "blocked"],
    ["Not production ready", "blocked"],
    ["IN_PROGRESS", "in-progress"],
    ["🟡 In Progress", "in-progress"],
    ["INCOMPLETE", "in-progress"],
    ["Pending HUM LEAD approval", "in-progress"],
    ["CONDITIONAL", "conditional"],
    ["⚠️ Approved with conditions", "conditional"],
    ["CONDITIONAL_GO", "conditional"],
    ["Resolved", null],
    ["Proceed with caution", "conditional"],
    ["Proceed with deployment", "complete"],
    ["2025-08-20", null],
  ])("%s → %s", (value, status) => {
    expect(classifyStatusValue(value)).toBe(status);
  });

  it.each([
    ["IN_PROGRESS | COMPLETE | BLOCKED", true],
    ["CERTIFIED / CONDITIONAL / REJECTED", true],
    ["READY or NOT_READY", true],
    ["<status>", true],
    ["✅ COMPLETE / CERTIFIED", false],
    ["COMPLETE", false],
  ])("placeholder %s → %s", (value, yes) => {
    expect(isTemplatePlaceholder(value)).toBe(yes);
  });

  it.each([
    ["**Validation Status**: COMPLETE", { key: "Validation Status", value: "COMPLETE" }],
    ["**Validation Status:** COMPLETE", { key: "Validation Status", value: "COMPLETE" }],
    [
      "## Feature Validation Status: ✅ PRODUCTION READY",
      { key: "Feature Validation Status", value: "✅ PRODUCTION READY" },
    ],
    ["**STATUS: ✅ APPROVED FOR PRODUCTION**", { key: "STATUS", value: "✅ APPROVED FOR PRODUCTION" }],
    ["- deployment status: not_ready", { key: "deployment status", value: "not_ready" }],
    ["# Status — COMPLETE", { key: "Status", value: "COMPLETE" }],
    ["**Decision**: GO (hum@example.com)", { key: "Decision", value: "GO (hum@example.com)" }],
    ["| Status | COMPLETE |", null],
    ["  - **Status**: Pending fix", null],
    ["**Risk Status**: BLOCKED", null],
    ["**Issue status**: open", null],
    ["Status of the dashboard is good", null],
  ])("status line %s", (line, expected) => {
    expect(splitStatusLine(line)).toEqual(expected);
  });

  it("skips fenced code and reports 1-based lines", () => {
    const lines = ["# x", "```", "**Validation Status**: BLOCKED", "```", "**Validation Status**: COMPLETE"];
    expect(readStatusLines("f.md", lines)).toEqual({
      readings: [{ file: "f.md", line: 5, reading: "Validation Status: COMPLETE", status: "complete" }],
      placeholders: [],
    });
  });
});

describe("sections, tables and fields", () => {
  it.each([
    ["🚀 New Features", "newFeatures"],
    ["3. Known Issues & Workarounds", "knownIssues"],
    ["Breaking Changes", "breakingChanges"],
    ["Migration Guide", "migration"],
    ["Bug Fixes", "bugFixes"],
    ["Improvements", "enhancements"],
    ["Feature Validation Status: ✅ PRODUCTION READY", null],
  ])("heading %s → %s", (h, s) => {
    expect(sectionOfHeading(h)).toBe(s);
  });

  it("reads list items, table rows, bold pseudo-headings and drops 'None'", () => {
    const text = [
      "## Breaking Changes",
      "- Removed `/v1`",
      "  - nested detail",
      "**Emphasis inside**",
      "- Renamed flag",
      "## Known Issues",
      "None.",
      "**Migration:**",
      "Run `brtops migrate` once.",
      "",
      "## Other",
      "- not a note",
    ].join("\n");
    const s = readNoteSections("n.md", text.split("\n"));
    expect(s.breakingChanges.map((i) => [i.text, i.line])).toEqual([
      ["Removed /v1", 2],
      ["Renamed flag", 5],
    ]);
    expect(s.knownIssues).toEqual([]);
    expect(s.migration.map((i) => i.text)).toEqual(["Run brtops migrate once."]);
  });

  it("reads risk levels from headings, columns or the impact, and whether a risk is open", () => {
    const lines = [
      "## Risks",
      "| Risk | Level | Impact | Mitigation | Status |",
      "|---|---|---|---|---|",
      "| DB migration | HIGH | outage | dry run | Not mitigated |",
      "| Cache cold | LOW | slow | warm-up | ✅ Mitigated |",
      "",
      "### MEDIUM",
      "| Risk | Impact | Mitigation | Status |",
      "|---|---|---|---|",
      "| Email delay | users wait | queue | Open |",
      "",
      "| Risk | Impact |",
      "|---|---|",
      "| Vendor down | HIGH |",
    ];
    const t = readTables("r.md", lines);
    expect(t.risks.map((r) => [r.level, r.risk, r.open, r.line])).toEqual([
      ["HIGH", "DB migration", true, 4],
      ["LOW", "Cache cold", false, 5],
      ["MEDIUM", "Email delay", true, 10],
      ["MEDIUM", "Vendor down", true, 14],
    ]);
    expect(t.failed).toEqual([]);
  });

  it("reads failed and pending validations from tables and lists, not from known issues", () => {
    const lines = [
      "| Check | Result |",
      "|---|---|",
      "| Login | ✅ |",
      "| Export | ❌ Failed |",
      "| Import | Pending |",
      "",
      "- ❌ Load test at 10k rps",
      "- [ ] Sign-off from marketing",
      "- [x] Done",
      "## Known Issues",
      "- ❌ Safari bug",
    ];
    const t = readTables("v.md", lines);
    expect(t.failed.map((i) => i.text)).toEqual(["Export", "Load test at 10k rps"]);
    expect(t.pending.map((i) => i.text)).toEqual(["Import", "Sign-off from marketing"]);
  });

  it.each([
    ["92/100", 92],
    ["4.5/5", 90],
    ["88%", 88],
    ["95", 95],
    ["n/a", null],
    ["150", null],
  ])("score %s → %s", (t, n) => {
    expect(parseScore(t)).toBe(n);
  });

  it("reads SEV, scores (lowest wins later) and deployment method in field and table form", () => {
    const f = readFields("x.md", [
      "# Payments [SEV-1]",
      "**SEV Level**: SEV-2",
      "| Security Score | 91/100 |",
      "**Performance Score**: 80%",
      "**UX Score**: 50",
      "**Deployment Method**: blue-green | rolling | canary",
      "**Deployment Strategy**: Canary (10% → 100%)",
    ]);
    expect(f.sev.map((s) => s.value)).toEqual([1, 2]);
    expect(f.scores.security?.[0]?.value).toBe(91);
    expect(f.scores.performance?.[0]?.value).toBe(80);
    expect(f.scores.validation).toBeUndefined();
    expect(f.deploymentMethod.map((d) => d.value)).toEqual(["canary"]);
  });
});

describe("feature index and registry", () => {
  it("reads headed entries, one-line entries and tables", () => {
    const text = [
      "# Feature Index",
      "## 1. Auth [SEV-1]",
      "- **Path**: `docs/02_features/auth/`",
      "- **Status**: ✅ COMPLETE",
      "- **Owner**: someone",
      "## Notes",
      "Nothing here.",
      "- **Search** [SEV-2] — Path: docs/02_features/search — Status: 🟡 IN PROGRESS",
      "",
      "| Feature | Path | Status | SEV |",
      "|---|---|---|---|",
      "| Billing | [billing](docs/02_features/billing/) | BLOCKED | SEV-0 |",
    ].join("\n");
    expect(parseFeatureIndex(text)).toEqual([
      { name: "Auth", path: "docs/02_features/auth", status: { value: "✅ COMPLETE", line: 4 }, sev: 1, line: 2 },
      {
        name: "Search",
        path: "docs/02_features/search",
        status: { value: "🟡 IN PROGRESS", line: 8 },
        sev: 2,
        line: 8,
      },
      { name: "Billing", path: "docs/02_features/billing", status: { value: "BLOCKED", line: 12 }, sev: 0, line: 12 },
    ]);
  });

  it.each([
    ["array", JSON.stringify([{ name: "a", status: "COMPLETE", path: "docs/02_features/a" }])],
    [
      "features array",
      JSON.stringify({
        version: 1,
        features: [{ id: "a", validationStatus: "COMPLETE", folder: "docs/02_features/a" }],
      }),
    ],
    ["features map", JSON.stringify({ features: { a: { state: "COMPLETE", dir: "docs/02_features/a" } } })],
    ["plain map", JSON.stringify({ a: { status: "COMPLETE", location: "./docs/02_features/a/" } })],
  ])("registry as %s", (_label, text) => {
    const { entries, error } = parseFeatureRegistry(text);
    expect(error).toBeUndefined();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ name: "a", path: "docs/02_features/a", status: { value: "COMPLETE" } });
  });

  it("gives an error, not an exception, for a registry that is not JSON", () => {
    expect(parseFeatureRegistry("{oops").error).toMatch(/not JSON/);
    expect(parseFeatureRegistry("42").entries).toEqual([]);
  });
});

describe("decoding", () => {
  it("refuses binary, replaces bad UTF-8 and drops a BOM", () => {
    expect(looksBinary(new Uint8Array([1, 2, 0, 3]))).toBe(true);
    expect(decodeDoc(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]), false).text).toBe("A");
    const bad = decodeDoc(new Uint8Array([0x41, 0xff, 0x42]), false);
    expect(bad.text).toBe("A\uFFFDB");
    expect(bad.remarks).toEqual(["invalid UTF-8: bad bytes replaced with U+FFFD"]);
    // A cut inside a multi-byte character at the size cap is not the file's fault.
    const cut = decodeDoc(new Uint8Array([0x41, 0xe2, 0x9c]), true, 3);
    expect(cut.remarks).toEqual(["larger than 3 bytes: only the first 3 bytes were read"]);
    expect(decodeDoc(new Uint8Array([]), false)).toEqual({ text: null, remarks: ["empty file"] });
  });
});

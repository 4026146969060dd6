import { describe, expect, it } from "vitest";
import { alphabetical, byCodeUnit } from "../../src/core/text-order.js";

describe("text orders", () => {
  it("orders timestamps and ids by code unit, whatever the process's locale", () => {
    const at = ["2026-12-01T10:00:00.000Z", "2026-11-30T23:59:59.999Z", "2026-12-01T09:59:59.999Z"];
    expect([...at].sort(byCodeUnit)).toEqual([
      "2026-11-30T23:59:59.999Z",
      "2026-12-01T09:59:59.999Z",
      "2026-12-01T10:00:00.000Z",
    ]);
    expect(["1.1.0@production", "1.1.0", "1.1.0@production~2"].sort(byCodeUnit)).toEqual([
      "1.1.0",
      "1.1.0@production",
      "1.1.0@production~2",
    ]);
    expect(byCodeUnit("a", "a")).toBe(0);
  });

  it("orders names alphabetically with case aside, ties by code unit", () => {
    expect(["ui", "Auth", "api", "API", "billing"].sort(alphabetical)).toEqual(["API", "api", "Auth", "billing", "ui"]);
    expect(alphabetical("x", "x")).toBe(0);
  });
});

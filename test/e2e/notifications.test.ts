/** Prompts to the HUM LEAD and the GO decision reach a signed webhook on loopback; a dead channel never blocks. */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AI, HUM, brtopsAsync as brtops, sampleProject } from "../support/cli.js";

describe("notifications from a real release", () => {
  let server: Server;
  const received: { kind: string; body: any; valid: boolean }[] = [];
  let project: { root: string; cleanup: () => void };
  const secret = "whsec-test-0123456789";

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const sig = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
        received.push({
          kind: String(req.headers["x-brtops-event"]),
          body: JSON.parse(body),
          valid: req.headers["x-brtops-signature-256"] === sig,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    project = sampleProject({
      extra: `notifications:\n  channels:\n    - {type: webhook, name: ops, url: "http://127.0.0.1:${port}/hook", secretEnv: HOOK_SECRET}\n    - {type: webhook, name: dead, url: "http://127.0.0.1:1/none"}\n  retry: {attempts: 2, baseMs: 10, maxMs: 20}\n`,
    });
  });
  afterAll(() => {
    server.close();
    project.cleanup();
  });

  // The CLI runs asynchronously: the receiver lives in this process and must keep answering.
  it("sends a signed prompt when a gate opens and the GO decision, and records the dead channel without stopping", async () => {
    const env = { HOOK_SECRET: secret };
    expect((await brtops(project.root, AI, ["release", "1.1.0", "--to", "staging"], env)).code).toBe(3);
    const prompt = received.find((r) => r.kind === "prompt");
    expect(prompt?.valid).toBe(true);
    expect(prompt?.body.release).toBe("1.1.0");
    expect(prompt?.body.text).toContain("brtops approve --step 2.10");
    await brtops(project.root, HUM, ["approve", "--step", "2.10"], env);
    expect((await brtops(project.root, AI, ["run"], env)).code).toBe(3);
    expect(received.some((r) => r.kind === "go-decision")).toBe(true); // the GO/NO-GO prompt
    await brtops(project.root, HUM, ["approve", "--step", "5.10"], env);
    expect(received.filter((r) => r.kind === "go-decision").length).toBeGreaterThanOrEqual(2);
    const log = readFileSync(join(project.root, ".brtops/releases/1.1.0/events.jsonl"), "utf8");
    expect(log).toContain("notification-failed");
    expect(log).not.toContain(secret);
  });
});

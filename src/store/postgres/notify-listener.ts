/**
 * One LISTEN connection shared by every `watch` subscriber of a store. Appends NOTIFY inside their
 * transaction, so a wake-up is sent only for a committed append. While the connection is being
 * (re)made nothing is heard, so after each LISTEN every release is reported once: subscribers treat
 * onChange as "re-read this release", and a spare wake-up is harmless while a lost one is not.
 */
import { Client } from "pg";
import type { ClientConfig, Notification } from "pg";
import type { ReleaseRef } from "../store.js";

export type ChangeHandler = (release: string, lastSeq: number) => void;

export const NOTIFY_CHANNEL = "brtops_events";

export class NotifyListener {
  private readonly subs = new Set<ChangeHandler>();
  private client: Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private generation = 0;

  constructor(
    private readonly config: ClientConfig,
    private readonly snapshot: () => Promise<ReleaseRef[]>,
  ) {}

  subscribe(fn: ChangeHandler): () => void {
    this.subs.add(fn);
    if (this.subs.size === 1) void this.connect();
    return () => {
      if (!this.subs.delete(fn) || this.subs.size > 0) return;
      void this.disconnect();
    };
  }

  async close(): Promise<void> {
    this.subs.clear();
    await this.disconnect();
  }

  private emit(release: string, lastSeq: number): void {
    for (const fn of [...this.subs]) {
      try {
        fn(release, lastSeq);
      } catch {
        /* one subscriber's failure must not starve the others */
      }
    }
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    const client = new Client(this.config);
    client.on("error", () => this.lost(gen, client));
    client.on("end", () => this.lost(gen, client));
    client.on("notification", (n: Notification) => {
      if (gen !== this.generation || !n.payload) return;
      try {
        const { release, lastSeq } = JSON.parse(n.payload) as { release: string; lastSeq: number };
        this.emit(release, lastSeq);
      } catch {
        /* not ours */
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      if (gen !== this.generation) {
        await client.end().catch(() => {});
        return;
      }
      this.client = client;
      for (const r of await this.snapshot()) if (gen === this.generation) this.emit(r.release, r.lastSeq);
    } catch {
      this.lost(gen, client);
    }
  }

  private lost(gen: number, client: Client): void {
    if (gen !== this.generation) return;
    this.generation += 1;
    if (this.client === client) this.client = null;
    client.end().catch(() => {});
    if (this.subs.size === 0 || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.subs.size > 0) void this.connect();
    }, 1000);
    this.retry.unref();
  }

  private async disconnect(): Promise<void> {
    this.generation += 1;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => {});
  }
}

/**
 * The MCP stdio transport of `brtops mcp`, in place of the SDK's StdioServerTransport: that one
 * buffers a whole line before looking at it and, past 10 MiB, closes the transport (the server
 * then exited 0 without a word). This one keeps at most `maxMessageBytes` of a line, answers a
 * longer request with a JSON-RPC error (its id found by a scan that holds nothing), answers a line
 * that is not JSON-RPC with a parse error, and goes on serving.
 */
import process from "node:process";
import type { Readable, Writable } from "node:stream";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { JSONRPCMessageSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { BoundedLines, type LineEvent } from "./bounded-lines.js";

/** The largest MCP message brtops reads: far above any tool call, far below what hurts. */
export const MAX_MCP_MESSAGE_BYTES = 1024 * 1024;

// JSON-RPC 2.0 error codes.
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

export class BoundedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly lines: BoundedLines;
  private started = false;

  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
    readonly maxMessageBytes = MAX_MCP_MESSAGE_BYTES,
  ) {
    this.lines = new BoundedLines(maxMessageBytes);
  }

  private readonly onData = (chunk: Buffer | string) => {
    for (const ev of this.lines.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk)) this.handle(ev);
  };

  private readonly onStdinError = (error: Error) => this.onerror?.(error);

  async start(): Promise<void> {
    if (this.started) throw new Error("BoundedStdioTransport already started");
    this.started = true;
    this.stdin.on("data", this.onData);
    this.stdin.on("error", this.onStdinError);
  }

  private handle(ev: LineEvent): void {
    if (ev.kind === "oversize") {
      this.onerror?.(new Error(`An MCP message of ${ev.bytes} bytes was refused (limit ${this.maxMessageBytes}).`));
      // A notification gets no answer (JSON-RPC 2.0); a request, or what cannot be told apart, does.
      if (!ev.notification) {
        void this.reply(
          ev.id,
          INVALID_REQUEST,
          `The message is ${ev.bytes} bytes; brtops reads MCP messages of at most ${this.maxMessageBytes} bytes, and did not read this one.`,
        );
      }
      return;
    }
    if (ev.text.trim() === "") return;
    let raw: unknown;
    try {
      raw = JSON.parse(ev.text);
    } catch {
      this.onerror?.(new Error("An MCP message is not JSON."));
      void this.reply(null, PARSE_ERROR, "The message is not JSON.");
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.onerror?.(new Error("An MCP message is not a JSON-RPC 2.0 message."));
      const id = (raw as { id?: unknown } | null)?.id;
      void this.reply(
        typeof id === "string" || typeof id === "number" ? id : null,
        INVALID_REQUEST,
        "The message is not a JSON-RPC 2.0 message.",
      );
      return;
    }
    this.onmessage?.(parsed.data);
  }

  private reply(id: string | number | null, code: number, message: string): Promise<void> {
    return this.write(`${JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } })}\n`);
  }

  private write(line: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(line)) resolve();
      else this.stdout.once("drain", resolve);
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.write(`${JSON.stringify(message)}\n`);
  }

  async close(): Promise<void> {
    this.stdin.off("data", this.onData);
    this.stdin.off("error", this.onStdinError);
    if (this.stdin.listenerCount("data") === 0) this.stdin.pause();
    this.onclose?.();
  }
}

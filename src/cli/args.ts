/** A parsed command line (parse-command.ts builds it from the command table). */
export interface Args {
  command: string | undefined;
  positionals: string[];
  flags: {
    json?: boolean;
    jsonl?: boolean;
    help?: boolean;
    as?: string;
    release?: string;
    cwd?: string;
    step?: string;
    note?: string;
    reason?: string;
    "return-to"?: string;
    waive?: string;
    proposal?: string;
    "sign-key"?: string;
    to?: string;
    env?: string;
    "override-promotion"?: string;
    "dry-run"?: boolean;
    "hum-lead"?: string[];
    "ai-lead"?: string[];
    rebuild?: boolean;
    check?: boolean;
    port?: string;
    host?: string;
    "no-runner"?: boolean;
    force?: boolean;
    uat?: boolean;
    words?: string;
    reject?: boolean;
    version?: boolean;
  };
}

/**
 * The one error family of brtops. Callers branch on `code`, never on message text.
 * Each face maps codes in one place: the CLI to exit codes, the server to HTTP statuses,
 * MCP to tool errors.
 */
export const ErrorCodes = {
  E_USAGE: "E_USAGE",
  E_UNKNOWN_COMMAND: "E_UNKNOWN_COMMAND",
  /** `brtops init` outside a git repository (exit 2): brtops releases what git records. */
  E_NOT_A_REPOSITORY: "E_NOT_A_REPOSITORY",
  E_TRIGGER_UNKNOWN: "E_TRIGGER_UNKNOWN",
  E_VERSION_INVALID: "E_VERSION_INVALID",
  E_VERSION_NOT_ABOVE_PREVIOUS: "E_VERSION_NOT_ABOVE_PREVIOUS",
  E_VERSION_ALREADY_RELEASED: "E_VERSION_ALREADY_RELEASED",
  E_ENVIRONMENT_UNKNOWN: "E_ENVIRONMENT_UNKNOWN",
  E_CONFIG_MISSING: "E_CONFIG_MISSING",
  E_CONFIG_INVALID: "E_CONFIG_INVALID",
  E_NO_ACTIVE_RELEASE: "E_NO_ACTIVE_RELEASE",
  E_DOCUMENT_NOT_FOUND: "E_DOCUMENT_NOT_FOUND",
  E_RELEASE_AMBIGUOUS: "E_RELEASE_AMBIGUOUS",
  E_RELEASE_EXISTS: "E_RELEASE_EXISTS",
  E_ENVIRONMENT_BUSY: "E_ENVIRONMENT_BUSY",
  E_SCOPE_CHANGED: "E_SCOPE_CHANGED",
  E_PROMOTION_ORDER: "E_PROMOTION_ORDER",
  E_RELEASE_FINISHED: "E_RELEASE_FINISHED",
  E_NOT_AUTHORIZED: "E_NOT_AUTHORIZED",
  /** A decision that must be signed came unsigned; one whose signature is not the decider's; one signed on a log that moved since. */
  E_SIGNATURE_REQUIRED: "E_SIGNATURE_REQUIRED",
  E_SIGNATURE_INVALID: "E_SIGNATURE_INVALID",
  E_SIGNATURE_STALE: "E_SIGNATURE_STALE",
  E_CONFLICT: "E_CONFLICT",
  E_STEP_MISMATCH: "E_STEP_MISMATCH",
  E_NOT_AT_GATE: "E_NOT_AT_GATE",
  E_INVALID_STATE: "E_INVALID_STATE",
  E_LOG_CORRUPT: "E_LOG_CORRUPT",
  E_LOG_TAMPERED: "E_LOG_TAMPERED",
  E_LOCKED: "E_LOCKED",
  E_LEASE_LOST: "E_LEASE_LOST",
  E_STEP_FAILED: "E_STEP_FAILED",
  E_QUESTION_UNKNOWN: "E_QUESTION_UNKNOWN",
  E_PROPOSAL_UNKNOWN: "E_PROPOSAL_UNKNOWN",
  E_NO_IDENTITY: "E_NO_IDENTITY",
  E_STORE: "E_STORE",
  E_GIT: "E_GIT",
  E_PUSH_REJECTED: "E_PUSH_REJECTED",
  E_INTERNAL: "E_INTERNAL",
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | (string & {});

export interface BrtopsErrorOptions {
  /** What the user can do next. Shown under the message. */
  hint?: string;
  cause?: unknown;
  /** Machine-readable extras (known environments, closest form, the role needed…). */
  details?: Record<string, unknown>;
}

export class BrtopsError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: BrtopsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "BrtopsError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  toJSON(): { code: string; message: string; hint?: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export function isBrtopsError(e: unknown): e is BrtopsError {
  return e instanceof BrtopsError;
}

/** Exit codes of the CLI, documented in the README. */
export const ExitCodes = {
  OK: 0,
  STEP_FAILED: 1,
  BAD_INPUT: 2,
  AWAITING_HUM_LEAD: 3,
  NOT_AUTHORIZED: 4,
  CONFLICT: 5,
} as const;

const exitByCode: Record<string, number> = {
  E_NOT_AUTHORIZED: ExitCodes.NOT_AUTHORIZED,
  E_NO_IDENTITY: ExitCodes.NOT_AUTHORIZED,
  E_SIGNATURE_REQUIRED: ExitCodes.NOT_AUTHORIZED,
  E_SIGNATURE_INVALID: ExitCodes.NOT_AUTHORIZED,
  E_SIGNATURE_STALE: ExitCodes.CONFLICT,
  E_CONFLICT: ExitCodes.CONFLICT,
  E_STEP_MISMATCH: ExitCodes.CONFLICT,
  E_LOCKED: ExitCodes.CONFLICT,
  E_ENVIRONMENT_BUSY: ExitCodes.CONFLICT,
  E_SCOPE_CHANGED: ExitCodes.CONFLICT,
  E_LEASE_LOST: ExitCodes.CONFLICT,
  E_STEP_FAILED: ExitCodes.STEP_FAILED,
  E_LOG_CORRUPT: ExitCodes.STEP_FAILED,
  E_LOG_TAMPERED: ExitCodes.STEP_FAILED,
  E_STORE: ExitCodes.STEP_FAILED,
  E_GIT: ExitCodes.STEP_FAILED,
  E_INTERNAL: ExitCodes.STEP_FAILED,
};

/** Every other code is bad input (2). */
export function exitCodeFor(code: ErrorCode): number {
  return exitByCode[code] ?? ExitCodes.BAD_INPUT;
}

/** HTTP status for the server face. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case "E_NOT_AUTHORIZED":
    case "E_SIGNATURE_REQUIRED":
    case "E_SIGNATURE_INVALID":
    case "E_CSRF":
      return 403;
    case "E_RATE_LIMITED":
      return 429;
    case "E_NO_IDENTITY":
      return 401;
    case "E_CONFLICT":
    case "E_SIGNATURE_STALE":
    case "E_STEP_MISMATCH":
    case "E_LOCKED":
    case "E_ENVIRONMENT_BUSY":
    case "E_SCOPE_CHANGED":
    case "E_LEASE_LOST":
    case "E_NOT_AT_GATE":
      return 409;
    case "E_NO_ACTIVE_RELEASE":
    case "E_DOCUMENT_NOT_FOUND":
      return 404;
    case "E_STEP_FAILED":
    case "E_LOG_CORRUPT":
    case "E_LOG_TAMPERED":
    case "E_STORE":
    case "E_GIT":
    case "E_INTERNAL":
      return 500;
    default:
      return 400;
  }
}

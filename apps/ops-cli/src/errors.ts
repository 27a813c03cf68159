// Errors of the CLI itself. A CliError is a user-facing failure: main prints its message
// on one line (no stack trace) and exits with its exit code. Any other error becomes one
// through ops-kit's describeFailure, whose kind picks the code.
import { describeFailure, type FailureKind } from '@sync/ops-kit'

/** Exit codes of every command (documented in the README). */
export const exitCodes = {
  ok: 0,
  /** The command could not do its job: unreachable host, rejected password, remote error. */
  failure: 1,
  /** Bad flag, missing option, invalid configuration file. */
  usage: 2,
  /** The check ran and failed: count mismatch, stale table, lag over the limit, doctor error. */
  checkFailed: 3,
  /** The check ran and found only warnings. */
  warning: 4,
} as const
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes]

export const cliErrorCodes = [
  'OPS_USAGE',
  'OPS_CONFIG',
  'OPS_UNREACHABLE',
  'OPS_AUTH',
  'OPS_NOT_FOUND',
  'OPS_REMOTE',
  'OPS_INPUT',
  'OPS_UNAVAILABLE',
] as const
export type CliErrorCode = (typeof cliErrorCodes)[number]

const exitByCode: Record<CliErrorCode, ExitCode> = {
  OPS_USAGE: exitCodes.usage,
  OPS_CONFIG: exitCodes.usage,
  OPS_UNREACHABLE: exitCodes.failure,
  OPS_AUTH: exitCodes.failure,
  OPS_NOT_FOUND: exitCodes.failure,
  OPS_REMOTE: exitCodes.failure,
  OPS_INPUT: exitCodes.failure,
  OPS_UNAVAILABLE: exitCodes.failure,
}

export class CliError extends Error {
  override readonly name = 'CliError'
  readonly code: CliErrorCode
  readonly retriable: boolean
  readonly exitCode: ExitCode
  constructor(code: CliErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retriable = options.retriable ?? (code === 'OPS_UNREACHABLE' || code === 'OPS_REMOTE')
    this.exitCode = exitByCode[code]
  }
}

export function isCliError(err: unknown): err is CliError {
  return err instanceof CliError
}

export function usageError(message: string): CliError {
  return new CliError('OPS_USAGE', message)
}

const codeByKind: Record<FailureKind, CliErrorCode> = {
  usage: 'OPS_USAGE',
  config: 'OPS_CONFIG',
  unreachable: 'OPS_UNREACHABLE',
  auth: 'OPS_AUTH',
  'not-found': 'OPS_NOT_FOUND',
  remote: 'OPS_REMOTE',
  input: 'OPS_INPUT',
}

/** Any error as a CliError; `target` ("MySQL at host:port") is named in the message. */
export function describeError(err: unknown, target?: string): CliError {
  if (err instanceof CliError) return err
  const d = describeFailure(err, target)
  return new CliError(codeByKind[d.kind], d.message, { cause: err, retriable: d.retriable })
}

/** Runs `fn`; any error becomes a CliError naming `target`. */
export async function against<T>(target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw describeError(err, target)
  }
}

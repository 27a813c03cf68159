// Errors of @sync/ops-kit. Callers branch on `code`; context (the target a call went to, the
// HTTP status) is in fields, and the message names the file, entry or server at fault.

export const opsKitErrorCodes = [
  /** An input (a table list, a connector file, a metrics text) is malformed. */
  'OPSKIT_INPUT',
  /** An argument given by the caller is malformed (e.g. a `TABLE:COLUMN` spec). */
  'OPSKIT_BAD_ARGUMENT',
  /** A server could not be reached; `cause` holds the network error, `target` names the server. */
  'OPSKIT_UNREACHABLE',
  /** The server refused the credentials (HTTP 401/403). */
  'OPSKIT_AUTH',
  /** The connector, task or table asked for does not exist (HTTP 404). */
  'OPSKIT_NOT_FOUND',
  /** The server answered with an error, or with a value that cannot be read. */
  'OPSKIT_REMOTE',
] as const
export type OpsKitErrorCode = (typeof opsKitErrorCodes)[number]

export interface OpsKitErrorOptions {
  cause?: unknown
  retriable?: boolean
  /** The server a call went to ("Kafka Connect at http://connect:8083"); holds no secret. */
  target?: string
  httpStatus?: number
}

export class OpsKitError extends Error {
  override readonly name = 'OpsKitError'
  readonly code: OpsKitErrorCode
  readonly retriable: boolean
  readonly target: string | undefined
  readonly httpStatus: number | undefined
  constructor(code: OpsKitErrorCode, message: string, options: OpsKitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retriable = options.retriable ?? (code === 'OPSKIT_UNREACHABLE' || code === 'OPSKIT_REMOTE')
    this.target = options.target
    this.httpStatus = options.httpStatus
  }
}

export function isOpsKitError(err: unknown): err is OpsKitError {
  return err instanceof OpsKitError
}

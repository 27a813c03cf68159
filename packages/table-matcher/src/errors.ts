/** Every error code this package throws. Callers branch on `code`, never on message text. */
export const tableMatcherErrorCodes = {
  /** A rule file could not be read from disk (retriable: the disk or mount may recover). */
  TM_READ: 'TM_READ',
  /** A rule file is not valid JSON. */
  TM_JSON: 'TM_JSON',
  /** A required field is missing from a rule file. */
  TM_MISSING_FIELD: 'TM_MISSING_FIELD',
  /** A field has the wrong type or an out-of-range value. */
  TM_BAD_FIELD: 'TM_BAD_FIELD',
  /** A field the format does not know (usually a typo). */
  TM_UNKNOWN_FIELD: 'TM_UNKNOWN_FIELD',
  /** A regular expression does not compile, or uses Python syntax with no JavaScript equivalent. */
  TM_BAD_REGEX: 'TM_BAD_REGEX',
  /** Two rules share a name, or two rules claim the same exact `db.table` key. */
  TM_DUPLICATE_RULE: 'TM_DUPLICATE_RULE',
  /** Two source columns (or a column and an extra column) map to one target column. */
  TM_COLUMN_CONFLICT: 'TM_COLUMN_CONFLICT',
  /** A physical table matches two or more pattern rules. */
  TM_AMBIGUOUS: 'TM_AMBIGUOUS',
  /** A row holds a column that has no mapping, and the rule's policy is "error". */
  TM_UNMAPPED_COLUMN: 'TM_UNMAPPED_COLUMN',
  /** A rendered topic name is not a legal Kafka topic name. */
  TM_BAD_TOPIC: 'TM_BAD_TOPIC',
  /** Bad options given to a function or factory of this package. */
  TM_OPTIONS: 'TM_OPTIONS',
} as const

export type TableMatcherErrorCode = keyof typeof tableMatcherErrorCodes

export interface TableMatcherErrorContext {
  cause?: unknown
  /** Rule file the problem is in (base name, as listed in the rule directory). */
  file?: string
  /** JSON path of the offending field inside the file, e.g. `column_mapping.UserID`. */
  field?: string
  /** Rule name(s) involved. */
  rules?: readonly string[]
  /** Physical table involved, as `db.table`. */
  table?: string
  /** Column involved. */
  column?: string
}

export class TableMatcherError extends Error {
  override readonly name = 'TableMatcherError'
  readonly code: TableMatcherErrorCode
  readonly retriable: boolean
  readonly file?: string
  readonly field?: string
  readonly rules?: readonly string[]
  readonly table?: string
  readonly column?: string

  constructor(code: TableMatcherErrorCode, message: string, context: TableMatcherErrorContext = {}) {
    const where = context.file ? `${context.file}${context.field ? ` (${context.field})` : ''}: ` : ''
    super(where + message, { cause: context.cause })
    this.code = code
    this.retriable = code === 'TM_READ'
    if (context.file !== undefined) this.file = context.file
    if (context.field !== undefined) this.field = context.field
    if (context.rules !== undefined) this.rules = context.rules
    if (context.table !== undefined) this.table = context.table
    if (context.column !== undefined) this.column = context.column
  }
}

export function isTableMatcherError(err: unknown): err is TableMatcherError {
  return err instanceof TableMatcherError
}

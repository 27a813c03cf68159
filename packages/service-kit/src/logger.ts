/** The logger every package accepts: a message and structured fields. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(fields: Record<string, unknown>): Logger
}

export const logLevels = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 } as const
export type LogLevel = keyof typeof logLevels

export interface JsonLoggerOptions {
  level?: LogLevel
  /** Where lines go; default process.stdout. */
  write?: (line: string) => void
  /** Fields on every line (app name, source id, …). */
  base?: Record<string, unknown>
  /** Secret strings (passwords, keys) to blank out wherever they appear in a line. */
  secrets?: Iterable<string>
  clock?: () => number
}

/** Field names whose values are never written, whatever they hold. */
const secretField = /pass(word)?|secret|token|^key$|aes_?key|private|credential|authorization/i

function redactValue(value: unknown, secrets: string[], depth: number): unknown {
  if (typeof value === 'string') {
    let out = value
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]')
    return out
  }
  if (value instanceof Error) {
    const err: Record<string, unknown> = {
      name: value.name,
      message: redactValue(value.message, secrets, depth + 1),
    }
    for (const k of ['code', 'retriable', 'attempts'])
      if (k in value) err[k] = (value as unknown as Record<string, unknown>)[k]
    if (value.cause !== undefined && depth < 4) err.cause = redactValue(value.cause, secrets, depth + 1)
    return err
  }
  if (typeof value === 'bigint') return value.toString()
  if (typeof value !== 'object' || value === null || depth > 6) return value
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      secretField.test(k) && v !== undefined && v !== null && v !== ''
        ? '[redacted]'
        : redactValue(v, secrets, depth + 1)
  }
  return out
}

/** One JSON object per line: {"time","level","msg",...fields}. Secrets never reach the output. */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const threshold = logLevels[options.level ?? 'info']
  const write = options.write ?? ((line: string) => process.stdout.write(line))
  // Longest first, so a secret containing another is blanked whole; very short ones would
  // blank innocent text, so only secrets of 4+ characters are matched inside strings.
  const secrets = [...(options.secrets ?? [])]
    .filter((s) => s.length >= 4)
    .sort((a, b) => b.length - a.length)
  const clock = options.clock ?? Date.now

  function make(base: Record<string, unknown>): Logger {
    const emit = (level: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
      if (logLevels[level] < threshold) return
      const record = redactValue({ ...base, ...fields }, secrets, 0) as Record<string, unknown>
      write(
        `${JSON.stringify({ time: new Date(clock()).toISOString(), level, msg: redactValue(msg, secrets, 0), ...record })}\n`,
      )
    }
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
    }
  }
  return make(options.base ?? {})
}

/** A logger that drops everything (the default inside libraries). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger
  },
}

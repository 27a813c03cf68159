// Everything a command prints goes through here: plain lines, aligned tables, JSON.
// Every registered secret is blanked in every line, so a password that slipped into a
// server's error message is never echoed.

export interface Output {
  /** A line on stdout. */
  line(text?: string): void
  /** Raw text on stdout (no newline added). */
  write(text: string): void
  /** A line on stderr (diagnostics, warnings). */
  note(text: string): void
  /** Raw text on stderr (progress bars). */
  status(text: string): void
  /** One JSON document on stdout (bigint written as exact digits). */
  json(value: unknown): void
  /** An aligned table on stdout; an empty table prints `(none)`. */
  table(rows: ReadonlyArray<object>, columns: readonly string[]): void
  /** Registers a secret: blanked wherever it would appear. */
  addSecret(secret: string | undefined): void
}

export interface Sinks {
  stdout(text: string): void
  stderr(text: string): void
}

export function toJsonText(value: unknown, indent = 2): string {
  const digits: string[] = []
  const text = JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v !== 'bigint') return v
      digits.push(v.toString())
      return `\u0000big${digits.length - 1}\u0000`
    },
    indent,
  )
  if (digits.length === 0) return text
  // JSON.stringify writes the NUL marks as \u0000; put the exact digits in their place
  return text.replace(/"\\u0000big(\d+)\\u0000"/g, (m, i: string) => digits[Number(i)] ?? m)
}

export function cell(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v)
  return toJsonText(v, 0)
}

export function formatTable(rows: ReadonlyArray<object>, columns: readonly string[]): string[] {
  if (rows.length === 0) return ['(none)']
  const cells = rows.map((r) =>
    columns.map((c) => cell((r as Record<string, unknown>)[c]).replace(/\s+/g, ' ')),
  )
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)))
  const fmt = (values: readonly string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [fmt(columns.map((c) => c.toUpperCase())), ...cells.map(fmt)]
}

export function createOutput(sinks: Sinks): Output {
  const secrets = new Set<string>()
  const redact = (text: string) => {
    let out = text
    for (const s of secrets) out = out.split(s).join('[redacted]')
    return out
  }
  return {
    line: (text = '') => sinks.stdout(redact(text) + '\n'),
    write: (text) => sinks.stdout(redact(text)),
    note: (text) => sinks.stderr(redact(text) + '\n'),
    status: (text) => sinks.stderr(redact(text)),
    json: (value) => sinks.stdout(redact(toJsonText(value)) + '\n'),
    table(rows, columns) {
      for (const l of formatTable(rows, columns)) sinks.stdout(redact(l) + '\n')
    },
    addSecret(secret) {
      // very short values would blank ordinary words; they are not secrets worth the name
      if (secret !== undefined && secret.length >= 4) secrets.add(secret)
    },
  }
}

// A text progress bar for long runs: rows, rate and ETA. On a terminal it redraws one line
// in place; otherwise (cron, CI logs) it prints a line at most every `everyMs`.
export interface ProgressState {
  rows: number
  estimatedRows: number
  rowsPerSecond: number
  etaSeconds: number | undefined
  label: string
}

const thousands = (n: number) => Math.round(n).toLocaleString('en-US')

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`
  return `${sec}s`
}

export function renderProgress(p: ProgressState, width = 24): string {
  // TABLE_ROWS is an estimate: the done count may pass it, so the bar caps at 99% until the end
  const total = Math.max(p.estimatedRows, p.rows, 1)
  const ratio = Math.min(p.rows / total, 0.99)
  const filled = Math.round(ratio * width)
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`
  const eta = p.etaSeconds === undefined ? 'ETA --' : `ETA ${formatDuration(p.etaSeconds)}`
  return `[${bar}] ${String(Math.floor(ratio * 100)).padStart(2)}% ${thousands(p.rows)}/~${thousands(total)} rows  ${thousands(p.rowsPerSecond)} rows/s  ${eta}  ${p.label}`
}

export interface ProgressBar {
  update(p: ProgressState): void
  done(): void
}

export function createProgressBar(
  write: (text: string) => void,
  options: { interactive: boolean; now: () => number; everyMs?: number },
): ProgressBar {
  let last = Number.NEGATIVE_INFINITY
  let drawn = false
  return {
    update(p) {
      if (options.interactive) {
        write(`\r${renderProgress(p)}\u001b[K`)
        drawn = true
        return
      }
      const t = options.now()
      if (t - last < (options.everyMs ?? 10_000)) return
      last = t
      write(`${renderProgress(p)}\n`)
    },
    done() {
      if (drawn) write('\n')
      drawn = false
    },
  }
}

export interface WaitForOptions {
  timeoutMs?: number
  intervalMs?: number
  /** Said in the failure, e.g. "all 1000 rows in the target". */
  what?: string
}

/**
 * Polls `probe` until it returns a value other than undefined/false, or fails after the
 * timeout with what was awaited and the last value or error seen.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000
  const intervalMs = options.intervalMs ?? 100
  const deadline = Date.now() + timeoutMs
  let last: unknown
  let lastError: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined && value !== false) return value as T
      last = value
    } catch (err) {
      lastError = err
    }
    if (Date.now() >= deadline) {
      const detail = lastError
        ? `last error: ${(lastError as Error).message}`
        : `last value: ${JSON.stringify(last)}`
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a condition'}; ${detail}`,
      )
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

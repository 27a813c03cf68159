import { onTestFinished } from 'vitest'

/**
 * Registers `fn` to run when the current test finishes. Outside a test (in beforeAll) the
 * caller keeps the returned function and runs it in afterAll.
 */
export function registerCleanup(fn: () => Promise<void> | void): () => Promise<void> {
  let done = false
  const once = async () => {
    if (done) return
    done = true
    await fn()
  }
  try {
    onTestFinished(once)
  } catch {
    // not inside a running test: the caller owns the cleanup
  }
  return once
}

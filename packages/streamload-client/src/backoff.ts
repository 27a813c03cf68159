import type { RetryOptions } from './options.ts'

/**
 * The pause before attempt `attempt + 1`: exponential (`initialDelayMs · multiplier^(attempt-1)`),
 * capped at `maxDelayMs`, then jittered into [nominal/2, nominal] ("equal jitter"), so that
 * clients failing together do not retry in lockstep yet never wait less than half the nominal
 * delay. `random` is Math.random's contract: a number in [0, 1).
 */
export function backoffDelay(
  retry: Required<RetryOptions>,
  attempt: number,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(retry.maxDelayMs, retry.initialDelayMs * retry.multiplier ** (attempt - 1))
  return nominal / 2 + (random() * nominal) / 2
}

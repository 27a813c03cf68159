// Reconnect delays: exponential from initialDelayMs, capped at maxDelayMs, with "equal
// jitter" (half fixed, half random) so readers that lost one server do not return in step.

import type { ReconnectOptions } from './options.ts'

/** Delay before reconnect attempt `attempt` (1-based), in ms. `random` returns [0, 1). */
export function reconnectDelay(
  reconnect: Required<ReconnectOptions>,
  attempt: number,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(reconnect.maxDelayMs, reconnect.initialDelayMs * 2 ** (attempt - 1))
  return nominal / 2 + (random() * nominal) / 2
}

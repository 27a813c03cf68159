// Shipper lag from its /metrics (Prometheus text): every sample whose name holds lag,
// behind or delay, e.g. sync_shipper_seconds_behind_source{source="…"}.
import { OpsKitError } from './errors.ts'
import type { PartitionLag } from './kafka-lag.ts'
import { parsePrometheusText, type Sample } from './prom-text.ts'

const lagName = /lag|behind|delay/

export function lagSamples(samples: readonly Sample[]): Sample[] {
  return samples.filter((s) => lagName.test(s.name))
}

/**
 * Fetches `url` and returns its lag samples. A network failure throws OPSKIT_UNREACHABLE (the
 * network error as `cause`), an HTTP error status OPSKIT_REMOTE.
 */
export async function readShipperLag(url: string, options: { timeoutMs?: number } = {}): Promise<Sample[]> {
  const target = `shipper metrics at ${url}`
  let res: Response
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) })
  } catch (err) {
    throw new OpsKitError('OPSKIT_UNREACHABLE', `cannot reach ${target}`, { cause: err, target })
  }
  if (!res.ok) {
    await res.body?.cancel()
    throw new OpsKitError('OPSKIT_REMOTE', `${target}: HTTP ${res.status}`, {
      target,
      httpStatus: res.status,
    })
  }
  return lagSamples(parsePrometheusText(await res.text()))
}

export interface LagLimits {
  /** Messages a partition may lag. */
  maxLag?: number
  /** Seconds a shipper sample with "seconds" in its name may show. */
  maxSeconds?: number
}

/** True when a partition or a shipper sample is over its limit. */
export function isLagOverLimits(
  partitions: readonly PartitionLag[],
  shipper: readonly Sample[],
  limits: LagLimits,
): boolean {
  const { maxLag, maxSeconds } = limits
  return (
    (maxLag !== undefined && partitions.some((p) => p.lag > maxLag)) ||
    (maxSeconds !== undefined && shipper.some((s) => /seconds/.test(s.name) && s.value > maxSeconds))
  )
}

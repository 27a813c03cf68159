// CPU time used by the local stack's own processes (MariaDB, the mock Kafka cluster), read
// from /proc. Benchmarks use it to count the whole cost of a row on this machine: the
// server sending the binlog and the broker storing the messages run on the same cores as
// the code measured, so a ceiling computed without them would be too generous.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { stackFiles } from '@sync/stack'

export interface StackCpu {
  /** CPU milliseconds (user + system) the stack's MariaDB has used since it started. */
  mysqlMs: number
  /** CPU milliseconds (user + system) the stack's mock Kafka cluster has used since it started. */
  kafkaMs: number
}

let ticksPerSecond: number | undefined
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

function processCpuMs(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim())
    if (!Number.isInteger(pid) || pid <= 0) return undefined
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // fields after the command name, which is in parentheses and may hold spaces
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const utime = Number(fields[11])
    const stime = Number(fields[12])
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined
    return ((utime + stime) * 1000) / clockTicks()
  } catch {
    return undefined
  }
}

/** Whether this process talks to the stack's own MariaDB and mock Kafka (not external ones). */
function servesThisProcess(envJson: string): boolean {
  try {
    const stack = JSON.parse(readFileSync(envJson, 'utf8')) as {
      local?: { mysql?: boolean; kafka?: boolean }
      mysql?: { port?: number }
      kafka?: { brokers?: string[] }
    }
    if (!stack.local?.mysql || !stack.local?.kafka) return false
    const port = process.env.MYSQL_PORT
    if (port !== undefined && Number(port) !== stack.mysql?.port) return false
    const brokers = process.env.KAFKA_BROKERS
    if (brokers !== undefined && brokers !== (stack.kafka?.brokers ?? []).join(',')) return false
    return true
  } catch {
    return false
  }
}

/**
 * The stack processes' CPU time so far, or undefined when either is not a local process of
 * this stack (an external MySQL or Kafka, or no /proc). Subtract two readings for a run's share;
 * the resolution is one clock tick (10 ms), so measure runs of seconds.
 */
export function stackCpu(): StackCpu | undefined {
  const files = stackFiles()
  if (!servesThisProcess(files.envJson)) return undefined
  const mysqlMs = processCpuMs(files.mysqlPid)
  const kafkaMs = processCpuMs(files.kafkaPid)
  if (mysqlMs === undefined || kafkaMs === undefined) return undefined
  return { mysqlMs, kafkaMs }
}

/** CPU milliseconds used by each stack process between two readings. */
export function stackCpuSince(before: StackCpu | undefined): StackCpu | undefined {
  const now = stackCpu()
  if (before === undefined || now === undefined) return undefined
  return { mysqlMs: now.mysqlMs - before.mysqlMs, kafkaMs: now.kafkaMs - before.kafkaMs }
}

// Raw limits the demo's figures are read against (`--baselines`, which `pnpm bench` uses):
//   - memory: the peak RSS (VmHWM) of the shipper and sinker processes, beside that of an
//     idle node process started the same way (through tsx from source) with the same
//     app's modules loaded and nothing started;
//   - latency: a plain kafkajs produce (acks=all) → consume of one message, sent at each of
//     the demo's latency probes, beside the source commit → visible in StarRocks figure.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Kafka, logLevel } from 'kafkajs'
import { repoRoot } from './processes.ts'

/** Peak RSS in MiB of a live process (Linux /proc VmHWM), or undefined elsewhere or once it is gone. */
export function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? undefined : Number(kb) / 1024
  } catch {
    return undefined
  }
}

/**
 * Peak RSS in MiB of a node process that loads `app`'s compose and config modules through
 * tsx from source, as the demo starts the app, and then idles.
 */
export async function idleModulesPeakRss(app: 'shipper' | 'sinker'): Promise<number | undefined> {
  const imports = ['compose.ts', 'config.ts']
    .map((f) => `await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'apps', app, 'src', f)).href)});`)
    .join(' ')
  const child = spawn(
    process.execPath,
    [
      '--conditions=@sync/source',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `${imports} process.stdout.write('ready\\n'); setInterval(() => {}, 60_000)`,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  try {
    const ready = await new Promise<boolean>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.includes('ready')) resolve(true)
      })
      child.on('exit', () => resolve(false))
      setTimeout(() => resolve(false), 60_000).unref()
    })
    if (!ready) return undefined
    await new Promise((r) => setTimeout(r, 500))
    return peakRssMb(child.pid)
  } finally {
    child.kill('SIGKILL')
  }
}

export interface PlainLatencyProbe {
  /** Sends one message now; its produce → consume time is recorded when it arrives. */
  probe(): void
  /** Milliseconds from each send to its arrival in eachMessage. */
  readonly latencies: readonly number[]
  stop(): Promise<void>
}

/**
 * A kafkajs producer (acks=all) and a consumer of one topic, the consumer's idle fetch wait
 * set as the sinker's (500 ms). Resolves once the consumer has joined its group.
 */
export async function startPlainLatencyProbe(options: {
  brokers: string[]
  topic: string
  groupId: string
}): Promise<PlainLatencyProbe> {
  const kafka = new Kafka({
    clientId: options.groupId,
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
  })
  const producer = kafka.producer({ idempotent: false, maxInFlightRequests: 1, allowAutoTopicCreation: true })
  const consumer = kafka.consumer({ groupId: options.groupId, sessionTimeout: 10_000, maxWaitTimeInMs: 500 })
  await producer.connect()
  // the topic exists before the consumer subscribes (created here on first use when the
  // broker allows it, or beforehand by the caller)
  await producer.send({ topic: options.topic, acks: -1, messages: [{ value: 'warm-up' }] })
  await consumer.connect()
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()))
  await consumer.subscribe({ topic: options.topic, fromBeginning: false })
  const sent = new Map<string, number>()
  const latencies: number[] = []
  await consumer.run({
    eachMessage: async ({ message }) => {
      const id = message.key?.toString()
      const at = id === undefined ? undefined : sent.get(id)
      if (at === undefined) return
      latencies.push(performance.now() - at)
      sent.delete(id!)
    },
  })
  await joined
  let n = 0
  return {
    probe() {
      const id = String(++n)
      sent.set(id, performance.now())
      void producer
        .send({ topic: options.topic, acks: -1, messages: [{ key: id, value: 'probe' }] })
        .catch(() => {
          sent.delete(id)
        })
    },
    latencies,
    async stop() {
      await consumer.disconnect().catch(() => undefined)
      await producer.disconnect().catch(() => undefined)
    },
  }
}

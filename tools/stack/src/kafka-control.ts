import { createConnection } from 'node:net'

export interface KafkaMockControlOptions {
  host: string
  port: number
  /** Milliseconds to wait for a reply. */
  timeoutMs?: number
}

/** Kafka protocol API keys used with request-error injection. */
export const kafkaApiKeys = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  SyncGroup: 14,
} as const

/** Kafka protocol error codes worth injecting. */
export const kafkaErrorCodes = {
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_COORDINATOR: 16,
  /** librdkafka's RD_KAFKA_RESP_ERR__TRANSPORT: the mock disconnects the client. */
  TRANSPORT: -195,
} as const

/** A client for the launcher's line protocol (see native/kafka-mock.c). */
export function createKafkaMockControl(options: KafkaMockControlOptions) {
  const timeoutMs = options.timeoutMs ?? 5_000
  function send(command: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: options.host, port: options.port })
      let buf = ''
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new Error(`kafka mock control: no reply to "${command}" within ${timeoutMs} ms`))
      }, timeoutMs)
      socket.setEncoding('utf8')
      socket.on('connect', () => socket.write(`${command}\n`))
      socket.on('data', (chunk) => {
        buf += chunk
        const nl = buf.indexOf('\n')
        if (nl < 0) return
        clearTimeout(timer)
        socket.end()
        const line = buf.slice(0, nl)
        if (line.startsWith('ok')) resolve(line.slice(2).trim())
        else reject(new Error(`kafka mock control: "${command}" failed: ${line.replace(/^err\s*/, '')}`))
      })
      socket.on('error', (err) => {
        clearTimeout(timer)
        reject(new Error(`kafka mock control at ${options.host}:${options.port} unreachable: ${err.message}`))
      })
    })
  }
  return {
    send,
    createTopic: (topic: string, partitions: number, replicationFactor = 1) =>
      send(`topic ${topic} ${partitions} ${replicationFactor}`).then(() => undefined),
    brokerDown: (brokerId: number) => send(`down ${brokerId}`).then(() => undefined),
    brokerUp: (brokerId: number) => send(`up ${brokerId}`).then(() => undefined),
    setRtt: (brokerId: number, ms: number) => send(`rtt ${brokerId} ${ms}`).then(() => undefined),
    setLeader: (topic: string, partition: number, brokerId: number) =>
      send(`leader ${topic} ${partition} ${brokerId}`).then(() => undefined),
    pushRequestErrors: (apiKey: number, errors: number[]) =>
      send(`perr ${apiKey} ${errors.join(' ')}`).then(() => undefined),
    clearRequestErrors: (apiKey: number) => send(`clearerr ${apiKey}`).then(() => undefined),
    /** Pins the coordinator of a consumer group (or a transactional id) to one broker. */
    setCoordinator: (kind: 'group' | 'txn', key: string, brokerId: number) =>
      send(`coord ${kind} ${key} ${brokerId}`).then(() => undefined),
  }
}

export type KafkaMockControl = ReturnType<typeof createKafkaMockControl>

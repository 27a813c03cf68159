// The mock cluster's control channel shapes what a kafkajs client sees: latency on one
// broker, errors pushed into the next requests of one API. Runs on a private mock cluster:
// latency or pushed errors on the shared one would hit (and be consumed by) other tests.
import { kafkaApiKeys, kafkaErrorCodes } from '@sync/stack'
import {
  type PrivateKafkaMock,
  readStackEnv,
  startPrivateKafkaMock,
  uniqueName,
  waitFor,
} from '@sync/test-kit'
import type { Producer } from 'kafkajs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

const open: Array<{ disconnect(): Promise<void> }> = []
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.disconnect()))
})

let mock: PrivateKafkaMock
beforeAll(async () => {
  if (readStackEnv().local.kafka) mock = await startPrivateKafkaMock(3)
})
afterAll(async () => {
  await mock?.stop()
})

async function producerOn(config: Parameters<PrivateKafkaMock['kafka']>[0] = {}): Promise<Producer> {
  const producer = mock.kafka(config).producer({ idempotent: false, maxInFlightRequests: 1 })
  open.push(producer)
  await producer.connect()
  return producer
}

async function timedSend(producer: Producer, topic: string, partition: number): Promise<number> {
  const started = performance.now()
  await producer.send({ topic, acks: -1, messages: [{ partition, value: 'x' }] })
  return performance.now() - started
}

/** Every value in the topic, read by a fresh group from the beginning. */
async function readAll(topic: string, expected: number): Promise<string[]> {
  const consumer = mock.kafka().consumer({ groupId: uniqueName('read'), maxWaitTimeInMs: 100 })
  open.push(consumer)
  const values: string[] = []
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) })
  await waitFor(() => values.length >= expected, {
    what: `${expected} messages in ${topic}`,
    timeoutMs: 30_000,
  })
  // a little longer, so that an unexpected extra copy would be seen too
  await new Promise((r) => setTimeout(r, 500))
  return values
}

describe.skipIf(!readStackEnv().local.kafka)('kafka mock control', () => {
  it('setRtt delays every response of that broker, and only of that broker', async () => {
    const topic = await mock.createTopic('rtt', 2)
    await mock.control.setLeader(topic, 0, 1)
    await mock.control.setLeader(topic, 1, 2)
    const producer = await producerOn()
    await timedSend(producer, topic, 0) // metadata and connections warmed up
    await timedSend(producer, topic, 1)

    const rttMs = 1_000
    await mock.control.setRtt(1, rttMs)
    try {
      expect(await timedSend(producer, topic, 0)).toBeGreaterThanOrEqual(rttMs)
      // broker 2 leads partition 1 and is not slowed
      expect(await timedSend(producer, topic, 1)).toBeLessThan(rttMs / 2)
    } finally {
      await mock.control.setRtt(1, 0)
    }
    expect(await timedSend(producer, topic, 0)).toBeLessThan(rttMs / 2)
  })

  it('pushRequestErrors: kafkajs retries a pushed retriable error and the message is stored once', async () => {
    const topic = await mock.createTopic('perr', 1)
    const producer = await producerOn({ retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 200 } })
    await producer.send({ topic, acks: -1, messages: [{ value: 'warm' }] })
    const produceRequests: number[] = []
    producer.on(producer.events.REQUEST, (e) => {
      if (e.payload.apiName === 'Produce') produceRequests.push(e.payload.correlationId)
    })

    const pushed = [kafkaErrorCodes.NOT_LEADER_OR_FOLLOWER, kafkaErrorCodes.NOT_ENOUGH_REPLICAS]
    await mock.control.pushRequestErrors(kafkaApiKeys.Produce, pushed)
    await producer.send({ topic, acks: -1, messages: [{ value: 'retried' }] })
    // one request per pushed error, then the one that succeeded
    expect(produceRequests).toHaveLength(pushed.length + 1)
    expect((await readAll(topic, 2)).sort()).toEqual(['retried', 'warm'])
  })

  it('pushRequestErrors: a pushed non-retriable error reaches the caller with its code', async () => {
    const topic = await mock.createTopic('perr_fatal', 1)
    const producer = await producerOn({ retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 200 } })
    await producer.send({ topic, acks: -1, messages: [{ value: 'warm' }] })

    const topicAuthorizationFailed = 29
    await mock.control.pushRequestErrors(kafkaApiKeys.Produce, [topicAuthorizationFailed])
    await expect(producer.send({ topic, acks: -1, messages: [{ value: 'refused' }] })).rejects.toMatchObject({
      type: 'TOPIC_AUTHORIZATION_FAILED',
      code: topicAuthorizationFailed,
    })
    // the refused request stored nothing; the next one goes through
    await producer.send({ topic, acks: -1, messages: [{ value: 'after' }] })
    expect((await readAll(topic, 2)).sort()).toEqual(['after', 'warm'])
  })
})

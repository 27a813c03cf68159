// Root cause of the sinker's generation change cut short (and of an unhandled rejection from
// a timer) while kafkajs restarts its consumer: its pause and resume throw "Consumer group was
// not initialized" whenever the consumer has no group, which is the case between the restart's
// stop and its new join. A kafkajs consumer that was never run is in that same state, so it
// stands in for one mid-restart here (no broker is contacted).
import { Kafka, logLevel } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { isConsumerRestarting, setPartitionPaused } from '../src/consumer-restart.ts'

const consumerWithoutGroup = () =>
  new Kafka({ brokers: ['127.0.0.1:9'], logLevel: logLevel.NOTHING }).consumer({ groupId: 'g' })

const debugLines: string[] = []
const logger = {
  debug: (msg: string) => void debugLines.push(msg),
  info() {},
  warn() {},
  error() {},
}

describe('a consumer kafkajs is restarting', () => {
  it('throws from pause, resume and commitOffsets, and that error is recognised', async () => {
    const consumer = consumerWithoutGroup()
    const tp = [{ topic: 't', partitions: [0] }]
    const thrown = (fn: () => unknown) => {
      try {
        fn()
      } catch (err) {
        return err
      }
      return undefined
    }
    expect(isConsumerRestarting(thrown(() => consumer.pause(tp)))).toBe(true)
    expect(isConsumerRestarting(thrown(() => consumer.resume(tp)))).toBe(true)
    const commit = await consumer.commitOffsets([{ topic: 't', partition: 0, offset: '1' }]).then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(isConsumerRestarting(commit)).toBe(true)
    // other errors are not taken for it
    expect(isConsumerRestarting(thrown(() => consumer.pause([{ topic: '', partitions: [0] }])))).toBe(false)
    expect(isConsumerRestarting(new Error('Consumer group was not initialized'))).toBe(false)
  })

  it('setPartitionPaused does not throw then, and says the consumer did not take it', () => {
    const consumer = consumerWithoutGroup()
    debugLines.length = 0
    expect(setPartitionPaused(consumer, { topic: 't', partition: 0 }, true, logger)).toBe(false)
    expect(setPartitionPaused(consumer, { topic: 't', partition: 0 }, false, logger)).toBe(false)
    expect(debugLines).toHaveLength(2)
  })

  it('setPartitionPaused passes any other error on', () => {
    const consumer = consumerWithoutGroup()
    expect(() => setPartitionPaused(consumer, { topic: '', partition: 0 }, false, logger)).toThrow(
      /Invalid topic/,
    )
  })
})

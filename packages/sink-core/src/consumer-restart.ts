// kafkajs restarts its consumer by itself after its fetch loop gives up (a coordinator or
// broker outage): it stops the runner, drops the consumer group, and a new one joins after a
// delay. Until then (kafkajs 2.2.4 consumer/index.js) commitOffsets, pause and resume throw
// "Consumer group was not initialized", and a commit made while the runner is stopped
// resolves without being sent (hence the plan read-back in sinker.ts).
import type { Consumer } from 'kafkajs'
import type { SinkLogger } from './types.ts'

/** The error kafkajs throws while its consumer has no group (restarting, or not run yet). */
export function isConsumerRestarting(err: unknown): boolean {
  return (
    err instanceof Error &&
    err.name === 'KafkaJSNonRetriableError' &&
    err.message.includes('Consumer group was not initialized')
  )
}

/**
 * Pauses or resumes one partition. While kafkajs restarts its consumer there is nothing to
 * pause or resume: the restarted consumer starts with every partition resumed, and its group
 * join begins a new generation whose workers pause again whatever they hold. Thrown there,
 * the error escaped a timer or promise callback (an unhandled rejection ends the process) or
 * cut a generation change short. Returns whether the consumer took it.
 */
export function setPartitionPaused(
  consumer: Pick<Consumer, 'pause' | 'resume'>,
  part: { topic: string; partition: number },
  paused: boolean,
  logger: SinkLogger,
): boolean {
  const tp = [{ topic: part.topic, partitions: [part.partition] }]
  try {
    if (paused) consumer.pause(tp)
    else consumer.resume(tp)
    return true
  } catch (err) {
    if (!isConsumerRestarting(err)) throw err
    logger.debug('partition not paused or resumed: the consumer is restarting', {
      topic: part.topic,
      partition: part.partition,
      paused,
    })
    return false
  }
}

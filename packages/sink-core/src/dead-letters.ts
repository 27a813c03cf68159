// Dead-letter records: the original key and value (still encrypted: the dead-letter topic
// never holds plaintext) and the original headers, plus the reason.
import type { DeadLetter } from './types.ts'

export const deadLetterHeaders = {
  topic: 'sync-dlq-topic',
  partition: 'sync-dlq-partition',
  offset: 'sync-dlq-offset',
  code: 'sync-dlq-code',
  message: 'sync-dlq-message',
  table: 'sync-dlq-table',
  time: 'sync-dlq-time',
} as const

export function deadLetterMessage(d: DeadLetter, now: number) {
  const h: Record<string, string> = {
    ...d.origin.headers,
    [deadLetterHeaders.topic]: d.origin.topic,
    [deadLetterHeaders.partition]: String(d.origin.partition),
    [deadLetterHeaders.offset]: d.origin.offset,
    [deadLetterHeaders.code]: d.code,
    [deadLetterHeaders.message]: d.message.slice(0, 1000),
    [deadLetterHeaders.time]: String(now),
  }
  if (d.table !== undefined) h[deadLetterHeaders.table] = d.table
  return { key: d.origin.key, value: d.origin.value, headers: h }
}

// ops-kit's quiet kafkajs admin client, with errors as one line naming the cluster.
import {
  createKafkaClient,
  type KafkaClientOptions,
  kafkaLabel,
  withKafkaAdmin as withAdmin,
} from '@sync/ops-kit'
import type { Admin } from 'kafkajs'
import { against } from '../errors.ts'

export async function withKafkaAdmin<T>(
  options: KafkaClientOptions,
  fn: (admin: Admin) => Promise<T>,
): Promise<T> {
  return against(kafkaLabel(options), () => withAdmin(createKafkaClient(options), fn))
}

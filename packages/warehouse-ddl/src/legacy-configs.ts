// The files the seed's config generator (ConfigGeneral) wrote for one table, reproduced
// byte for byte for teams still on Kafka Connect and DataX: the stream rule, the batch and
// stream Kafka Connect connectors, the DataX job and its shell line. Placeholders the seed
// hard-coded (hosts, masked keys) are the defaults; pass real values or, for keys, a Kafka
// Connect config-provider reference such as ${file:/etc/kafka/secrets.properties:aes.key}.
//
// Kept as the seed had it: the batch connector's jsonpaths name the SOURCE columns while
// its `columns` and the DataX writer use the target names (`batchJsonPaths: 'target'`
// corrects that; the seed's output only loads when both spellings agree).

export interface LegacyColumn {
  /** Source column name. */
  source: string
  /** Target column name. */
  target: string
  /** information_schema DATA_TYPE. */
  dataType: string
}

export interface LegacyInput {
  database: string
  table: string
  /** Batch (history) topic, the seed's `topic`. */
  batchTopic: string
  /** Stream topic, the seed's `s_topic`. */
  streamTopic: string
  /** StarRocks table, the seed's `n_table`. */
  targetTable: string
  mysqlHost: string
  mysqlPort: number
  columns: readonly LegacyColumn[]
  starRocksHttpUrl?: string
  starRocksDatabase?: string
  bootstrapServers?: string
  /** Value of transforms.decrypt.secret.key in the batch / stream connector. */
  connectKeyRef?: { batch?: string; stream?: string }
  /** Value of encryptionKey in the DataX job. */
  dataxKeyRef?: string
  batchJsonPaths?: 'source' | 'target'
}

export interface GeneratedFile {
  file: string
  kind: 'rule' | 'ddl' | 'sinker' | 'connect-batch' | 'connect-stream' | 'datax' | 'datax-shell'
  content: string
}

export const seedPlaceholders = {
  httpUrl: 'IP1:8050,IP2:8050,IP3:8050',
  database: 'ods_cjm',
  bootstrapServers: 'IP1:19092,IP2:19093,IP3:19094',
  batchKey: '6253****************a549',
  streamKey: '6253********549',
  dataxKey: '6253c3************a549',
} as const

/** Python's json.dumps(value, ensure_ascii=False, indent=2) for the values used here. */
const dumps = (value: unknown) => JSON.stringify(value, null, 2)

export function seedRuleFile(input: LegacyInput): GeneratedFile {
  const mapping: Record<string, string> = {}
  for (const c of input.columns) mapping[c.source] = c.target
  const rule = {
    key: `${input.database}.${input.table}`,
    topic: input.streamTopic,
    need_table: false,
    complete_regex: true,
    regex: '',
    column_mapping: mapping,
  }
  return { file: `${input.database}.${input.table}.json`, kind: 'rule', content: dumps(rule) }
}

function connector(input: LegacyInput, topic: string, key: string, columns: string, jsonpaths: string) {
  return {
    name: '',
    config: {
      'connector.class': 'com.starrocks.connector.kafka.StarRocksSinkConnector',
      topics: topic,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'key.converter.schemas.enable': 'true',
      'value.converter.schemas.enable': 'false',
      'starrocks.http.url': input.starRocksHttpUrl ?? seedPlaceholders.httpUrl,
      'starrocks.topic2table.map': `${topic}:${input.targetTable}`,
      'starrocks.username': '',
      'starrocks.password': '',
      'starrocks.database.name': input.starRocksDatabase ?? seedPlaceholders.database,
      'sink.properties.strip_outer_array': 'true',
      'sink.properties.columns': columns,
      'sink.properties.jsonpaths': jsonpaths,
      transforms: 'decrypt',
      'transforms.decrypt.type': 'com.starrocks.connector.kafka.transforms.DecryptJsonTransformation',
      'transforms.decrypt.secret.key': key,
    },
  }
}

export function batchConnector(input: LegacyInput): GeneratedFile {
  const names = input.columns.map((c) => c.target).join(',')
  const from = input.batchJsonPaths ?? 'source'
  const paths = `[${input.columns.map((c) => `"$.${from === 'source' ? c.source : c.target}"`).join(',')}]`
  const c = connector(
    input,
    input.batchTopic,
    input.connectKeyRef?.batch ?? seedPlaceholders.batchKey,
    names,
    paths,
  )
  c.name = `${input.batchTopic}-connect`
  return { file: `${input.batchTopic}_connect.json`, kind: 'connect-batch', content: dumps(c) }
}

export function streamConnector(input: LegacyInput): GeneratedFile {
  const names = `${input.columns.map((c) => c.target).join(',')},__op`
  const paths = `[${input.columns.map((c) => `"$.${c.target}"`).join(',')},"$.__op"]`
  const key = input.connectKeyRef?.stream ?? seedPlaceholders.streamKey
  const c = connector(input, input.streamTopic, key, names, paths)
  c.name = `${input.streamTopic}-connect`
  return { file: `${input.streamTopic}-connect.json`, kind: 'connect-stream', content: dumps(c) }
}

function dataxColumn(c: LegacyColumn): string {
  const type = c.dataType.trimStart().toLowerCase()
  if (type === 'datetime' || type === 'timestamp') {
    return `DATE_FORMAT(${c.source}, '%Y-%m-%d %H:%i:%s') AS ${c.target}`
  }
  if (type === 'date') return `DATE_FORMAT(${c.source}, '%Y-%m-%d') AS ${c.target}`
  return c.source
}

export function dataxJob(input: LegacyInput): GeneratedFile {
  const jdbcUrl = `jdbc:mysql://${input.mysqlHost}:${input.mysqlPort}/${input.database}?characterEncoding=utf-8&useSSL=false&tinyInt1isBit=false`
  const job = {
    job: {
      setting: { speed: { channel: 1 } },
      content: [
        {
          reader: {
            name: 'mysqlreader',
            parameter: {
              username: '',
              password: '',
              column: input.columns.map(dataxColumn),
              connection: [{ table: [input.table], jdbcUrl: [jdbcUrl] }],
            },
          },
          writer: {
            name: 'kafkawriter',
            parameter: {
              bootstrapServers: input.bootstrapServers ?? seedPlaceholders.bootstrapServers,
              topic: input.batchTopic,
              ack: 'all',
              batchSize: 1000,
              retries: 3,
              keySerializer: 'org.apache.kafka.common.serialization.StringSerializer',
              valueSerializer: 'org.apache.kafka.common.serialization.StringSerializer',
              fieldDelimiter: ',',
              writeType: 'json',
              topicNumPartition: 1,
              topicReplicationFactor: 1,
              encryptionKey: input.dataxKeyRef ?? seedPlaceholders.dataxKey,
              column: input.columns.map((c) => c.target),
            },
          },
        },
      ],
    },
  }
  return { file: `${input.batchTopic}_datax_config.json`, kind: 'datax', content: dumps(job) }
}

export function dataxShell(input: LegacyInput): GeneratedFile {
  return {
    file: `${input.batchTopic}_datax_shell.sh`,
    kind: 'datax-shell',
    content: `python3 /opt/datax-k/bin/datax.py ${input.batchTopic}_datax_config.json `,
  }
}

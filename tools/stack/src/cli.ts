#!/usr/bin/env node
// stack up | down [--purge] | status | env | kafka <control command>
import { externalServices, readStackEnv } from './env.ts'
import { createKafkaMockControl } from './kafka-control.ts'
import { kafkaRunning } from './kafka-mock.ts'
import { mariadbRunning } from './mariadb.ts'
import { stackFiles, stackPorts } from './settings.ts'
import { stackDown, stackUp } from './stack.ts'

const usage = `usage: pnpm stack <command>
  up              start MariaDB (binlog on) and the Kafka mock cluster; idempotent
  down [--purge]  stop them (--purge also deletes their data)
  status          what is running
  env             print the connection settings as shell exports
  kafka <cmd>     send a control command to the mock cluster, e.g. "kafka down 1"`

const commands: Record<string, (args: string[]) => Promise<number>> = {
  async up() {
    await stackUp()
    return 0
  },
  async down(args) {
    await stackDown({ purge: args.includes('--purge') })
    return 0
  },
  async status() {
    const files = stackFiles()
    const ports = stackPorts()
    const ext = externalServices()
    // services named by the environment are not the stack's to report on
    const db = ext.mysql ? true : mariadbRunning(files)
    const kafka = ext.kafka ? ext.kafka.brokers : await kafkaRunning(files, ports.kafkaControlPort)
    if (ext.mysql) console.log(`mariadb: external, MYSQL_HOST=${ext.mysql.host}:${ext.mysql.port}`)
    else console.log(`mariadb: ${db ? `running on 127.0.0.1:${ports.mysqlPort}` : 'stopped'}`)
    if (ext.kafka) console.log(`kafka:   external, KAFKA_BROKERS=${ext.kafka.brokers.join(',')}`)
    else console.log(`kafka:   ${kafka ? `running at ${kafka.join(',')}` : 'stopped'}`)
    return db && kafka ? 0 : 1
  },
  async env() {
    const e = readStackEnv()
    console.log(`export MYSQL_HOST=${e.mysql.host} MYSQL_PORT=${e.mysql.port} MYSQL_USER=${e.mysql.user}`)
    console.log(`export KAFKA_BROKERS=${e.kafka.brokers.join(',')}`)
    if (e.kafka.control)
      console.log(`export KAFKA_MOCK_CONTROL=${e.kafka.control.host}:${e.kafka.control.port}`)
    console.log(`# the password is in ${stackFiles().envSh}; source that file to export it`)
    return 0
  },
  async kafka(args) {
    const e = readStackEnv()
    if (!e.kafka.control)
      throw new Error('KAFKA_BROKERS names a real Kafka; the mock control channel is not available')
    console.log(await createKafkaMockControl(e.kafka.control).send(args.join(' ')))
    return 0
  },
}

const [name, ...args] = process.argv.slice(2)
const command = name ? commands[name] : undefined
if (!command) {
  console.error(usage)
  process.exit(name ? 2 : 0)
}
command(args).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`stack: ${err.message}`)
    process.exit(1)
  },
)

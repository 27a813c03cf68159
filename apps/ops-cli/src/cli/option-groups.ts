// Flags shared by several commands, with their help texts. Secrets have no literal flag:
// only a file or the name of an environment variable, so they never show in `ps`. A help
// text may open with `<value>` to name a string flag's value when the flag's last word
// does not (see help.ts).
import type { OptionSpecs } from './command.ts'

export interface OptionGroup {
  options: OptionSpecs
  help: Record<string, string>
}

export const mysqlGroup: OptionGroup = {
  options: {
    'mysql-host': { type: 'string' },
    'mysql-port': { type: 'string' },
    'mysql-user': { type: 'string' },
    'mysql-password-file': { type: 'string' },
    'mysql-password-env': { type: 'string' },
    'mysql-ssl': { type: 'boolean' },
  },
  help: {
    'mysql-host': 'source MySQL host (env MYSQL_HOST, default 127.0.0.1)',
    'mysql-port': 'source MySQL port (env MYSQL_PORT, default 3306)',
    'mysql-user': 'source MySQL user (env MYSQL_USER, default root)',
    'mysql-password-file': 'file holding the MySQL password (else env MYSQL_PASSWORD)',
    'mysql-password-env': 'name of the environment variable holding the MySQL password',
    'mysql-ssl': 'TLS to MySQL, verifying its certificate (env MYSQL_SSL=true)',
  },
}

export const starRocksGroup: OptionGroup = {
  options: {
    'sr-host': { type: 'string' },
    'sr-port': { type: 'string' },
    'sr-user': { type: 'string' },
    'sr-password-file': { type: 'string' },
    'sr-password-env': { type: 'string' },
    'sr-database': { type: 'string' },
    'sr-ssl': { type: 'boolean' },
  },
  help: {
    'sr-host': 'StarRocks FE host, MySQL protocol (env STARROCKS_HOST, default 127.0.0.1)',
    'sr-port': 'StarRocks FE query port (env STARROCKS_PORT, default 9030)',
    'sr-user': 'StarRocks user (env STARROCKS_USER, default root)',
    'sr-password-file': 'file holding the StarRocks password (else env STARROCKS_PASSWORD)',
    'sr-password-env': 'name of the environment variable holding the StarRocks password',
    'sr-database': 'StarRocks database of the target tables (env STARROCKS_DATABASE)',
    'sr-ssl': 'TLS to the FE query port, verifying its certificate (env STARROCKS_SSL=true)',
  },
}

export const kafkaGroup: OptionGroup = {
  options: {
    brokers: { type: 'string' },
    'kafka-ssl': { type: 'boolean' },
    'kafka-ssl-ca-file': { type: 'string' },
    'kafka-ssl-cert-file': { type: 'string' },
    'kafka-ssl-key-file': { type: 'string' },
    'kafka-ssl-key-passphrase-file': { type: 'string' },
    'kafka-ssl-key-passphrase-env': { type: 'string' },
    'kafka-ssl-servername': { type: 'string' },
    'kafka-ssl-reject-unauthorized': { type: 'string' },
    'kafka-sasl-mechanism': { type: 'string' },
    'kafka-sasl-username': { type: 'string' },
    'kafka-sasl-password-file': { type: 'string' },
    'kafka-sasl-password-env': { type: 'string' },
  },
  help: {
    brokers: 'Kafka bootstrap brokers host:port,host:port (env KAFKA_BROKERS)',
    'kafka-ssl':
      'TLS to Kafka, verifying the brokers (env KAFKA_SSL=true); any --kafka-ssl-* flag turns it on',
    'kafka-ssl-ca-file': 'PEM file of the CA that signed the brokers (env KAFKA_SSL_CA_FILE)',
    'kafka-ssl-cert-file': 'PEM client certificate, with --kafka-ssl-key-file (env KAFKA_SSL_CERT_FILE)',
    'kafka-ssl-key-file': "PEM file of the client certificate's key (env KAFKA_SSL_KEY_FILE)",
    'kafka-ssl-key-passphrase-file':
      "file holding the client key's passphrase (else env KAFKA_SSL_KEY_PASSPHRASE)",
    'kafka-ssl-key-passphrase-env': "name of the environment variable holding the client key's passphrase",
    'kafka-ssl-servername': "name to verify in the brokers' certificates (env KAFKA_SSL_SERVERNAME)",
    'kafka-ssl-reject-unauthorized':
      '<true|false> false skips verifying the brokers, with a warning (env KAFKA_SSL_REJECT_UNAUTHORIZED)',
    'kafka-sasl-mechanism': 'plain (default), scram-sha-256 or scram-sha-512 (env KAFKA_SASL_MECHANISM)',
    'kafka-sasl-username': 'SASL user (env KAFKA_SASL_USERNAME)',
    'kafka-sasl-password-file': 'file holding the SASL password (else env KAFKA_SASL_PASSWORD)',
    'kafka-sasl-password-env': 'name of the environment variable holding the SASL password',
  },
}

export const keyGroup: OptionGroup = {
  options: { 'key-file': { type: 'string' }, 'key-env': { type: 'string' } },
  help: {
    'key-file': 'file holding the envelope key as hex (else env SYNC_ENVELOPE_KEY)',
    'key-env': 'name of the environment variable holding the envelope key',
  },
}

export const rulesGroup: OptionGroup = {
  options: { rules: { type: 'string' } },
  help: { rules: 'directory of rule files (env SYNC_RULES_DIR)' },
}

export function groups(...list: OptionGroup[]): OptionGroup {
  return {
    options: Object.assign({}, ...list.map((g) => g.options)),
    help: Object.assign({}, ...list.map((g) => g.help)),
  }
}

// What the renderer needs to know about a column, from either side:
// a zongji TableMap (binlog) or information_schema.COLUMNS (SELECT).

export const columnKinds = {
  int: 'int',
  decimal: 'decimal',
  float: 'float',
  double: 'double',
  date: 'date',
  datetime: 'datetime',
  timestamp: 'timestamp',
  time: 'time',
  year: 'year',
  /** YEAR(2) as read by SELECT ('70'); the binlog already carries the full year. */
  year2: 'year2',
  text: 'text',
  enum: 'enum',
  set: 'set',
  json: 'json',
  binary: 'binary',
  bit: 'bit',
  unsupported: 'unsupported',
} as const
export type ColumnKind = keyof typeof columnKinds

export interface ColumnSpec {
  name: string
  kind: ColumnKind
  /** The type as the server names it (e.g. 'bigint unsigned', 'geometry'): for errors and docs. */
  typeName: string
}

/** MySQL protocol type codes, as in the binlog TableMap and in result-set field packets. */
export const mysqlTypes = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  TIMESTAMP2: 17,
  DATETIME2: 18,
  TIME2: 19,
  BLOB_COMPRESSED: 140,
  VARCHAR_COMPRESSED: 141,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const

const kindByCode = new Map<number, ColumnKind>([
  [mysqlTypes.TINY, 'int'],
  [mysqlTypes.SHORT, 'int'],
  [mysqlTypes.INT24, 'int'],
  [mysqlTypes.LONG, 'int'],
  [mysqlTypes.LONGLONG, 'int'],
  [mysqlTypes.NEWDECIMAL, 'decimal'],
  [mysqlTypes.FLOAT, 'float'],
  [mysqlTypes.DOUBLE, 'double'],
  [mysqlTypes.DATE, 'date'],
  [mysqlTypes.NEWDATE, 'date'],
  [mysqlTypes.DATETIME, 'datetime'],
  [mysqlTypes.DATETIME2, 'datetime'],
  [mysqlTypes.TIMESTAMP, 'timestamp'],
  [mysqlTypes.TIMESTAMP2, 'timestamp'],
  [mysqlTypes.TIME, 'time'],
  [mysqlTypes.TIME2, 'time'],
  [mysqlTypes.YEAR, 'year'],
  [mysqlTypes.ENUM, 'enum'],
  [mysqlTypes.SET, 'set'],
  [mysqlTypes.JSON, 'json'],
  [mysqlTypes.BIT, 'bit'],
])

const stringCodes = new Set<number>([
  mysqlTypes.VARCHAR,
  mysqlTypes.VAR_STRING,
  mysqlTypes.STRING,
  mysqlTypes.TINY_BLOB,
  mysqlTypes.MEDIUM_BLOB,
  mysqlTypes.LONG_BLOB,
  mysqlTypes.BLOB,
  mysqlTypes.BLOB_COMPRESSED,
  mysqlTypes.VARCHAR_COMPRESSED,
])

/** The zongji TableMap column shape this package reads. */
export interface ZongjiColumn {
  name: string
  type: number
  charset: string | null
}
export interface ZongjiColumnSchema {
  COLUMN_TYPE: string
}

/**
 * A binlog column's spec. `isJson` says the column is JSON although the binlog calls it
 * LONGTEXT (MariaDB: a json_valid CHECK), which only the catalog knows.
 */
export function specFromTableMap(
  column: ZongjiColumn,
  schema: ZongjiColumnSchema,
  isJson: boolean,
): ColumnSpec {
  const typeName = schema.COLUMN_TYPE
  let kind = kindByCode.get(column.type)
  if (kind === undefined && stringCodes.has(column.type)) {
    // MariaDB UUID/INET4/INET6 ride on binary strings but SELECT returns their text form
    if (/^(uuid|inet4|inet6|vector)/.test(typeName)) kind = 'unsupported'
    else if (column.charset === null) kind = 'binary'
    else kind = isJson ? 'json' : 'text'
  }
  return { name: column.name, kind: kind ?? 'unsupported', typeName: typeName || `type ${column.type}` }
}

/** information_schema.COLUMNS fields this package reads. */
export interface CatalogColumn {
  COLUMN_NAME: string
  DATA_TYPE: string
  COLUMN_TYPE: string
  CHARACTER_SET_NAME: string | null
}

const kindByDataType: Record<string, ColumnKind> = {
  tinyint: 'int',
  smallint: 'int',
  mediumint: 'int',
  int: 'int',
  integer: 'int',
  bigint: 'int',
  decimal: 'decimal',
  numeric: 'decimal',
  float: 'float',
  double: 'double',
  real: 'double',
  date: 'date',
  datetime: 'datetime',
  timestamp: 'timestamp',
  time: 'time',
  year: 'year',
  enum: 'enum',
  set: 'set',
  json: 'json',
  bit: 'bit',
  char: 'text',
  varchar: 'text',
  tinytext: 'text',
  text: 'text',
  mediumtext: 'text',
  longtext: 'text',
  binary: 'binary',
  varbinary: 'binary',
  tinyblob: 'binary',
  blob: 'binary',
  mediumblob: 'binary',
  longblob: 'binary',
}

/** A SELECT column's spec from the catalog; `isJson` as for specFromTableMap. */
export function specFromCatalog(column: CatalogColumn, isJson: boolean): ColumnSpec {
  const dataType = column.DATA_TYPE.toLowerCase()
  let kind: ColumnKind = kindByDataType[dataType] ?? 'unsupported'
  if (kind === 'text' && isJson) kind = 'json'
  if (kind === 'year' && /^year\(2\)/i.test(column.COLUMN_TYPE)) kind = 'year2'
  // A text type declared with a binary charset (e.g. CHAR(4) CHARACTER SET binary) is BINARY
  if (kind === 'text' && column.CHARACTER_SET_NAME === 'binary') kind = 'binary'
  return { name: column.COLUMN_NAME, kind, typeName: column.COLUMN_TYPE }
}

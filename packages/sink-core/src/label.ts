// Deterministic Stream Load labels. A label names exactly one offset range of one partition
// (and one target table), so a batch re-formed after a crash or a rebalance gets the same
// label and StarRocks answers "Label Already Exists" instead of applying it twice.
//
//   <prefix>-<topic>-<partition>-<first>-<last>[-<table>]
//
// StarRocks accepts ^[-\w]{1,128}$ per database. Characters outside [-A-Za-z0-9_] become
// "_", and then a short hash of the raw text is appended so "a.b" and "a_b" stay distinct.
// Base labels stay within 80 characters so a table suffix (9) and bisection suffixes ("_0", "_1" per
// level, 19 levels for a million rows) fit in 128.
import { createHash } from 'node:crypto'

export const maxBaseLabelLength = 80
const unsafe = /[^-A-Za-z0-9_]/g

function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length)
}

/** The text with unsafe characters replaced, plus a hash of the original when anything changed. */
export function sanitizeLabelPart(text: string): string {
  const clean = text.replace(unsafe, '_')
  return clean === text && clean !== '' ? clean : `${clean}_${shortHash(text, 6)}`
}

export interface LabelParts {
  prefix: string
  topic: string
  partition: number
  firstOffset: string
  lastOffset: string
  table?: string | undefined
}

export function batchLabel(p: LabelParts): string {
  const parts = [
    sanitizeLabelPart(p.prefix),
    sanitizeLabelPart(p.topic),
    String(p.partition),
    p.firstOffset,
    p.lastOffset,
  ]
  if (p.table !== undefined) parts.push(sanitizeLabelPart(p.table))
  const label = parts.join('-')
  if (label.length <= maxBaseLabelLength) return label
  // too long: keep the readable head, make it unique with a hash of the full identity
  const identity = JSON.stringify([p.prefix, p.topic, p.partition, p.firstOffset, p.lastOffset, p.table])
  const tail = `-${p.partition}-${p.firstOffset}-${p.lastOffset}-${shortHash(identity, 12)}`
  return `${label.slice(0, Math.max(1, maxBaseLabelLength - tail.length))}${tail}`.slice(-maxBaseLabelLength)
}

/** The label of one half when a batch is bisected to isolate rows StarRocks filters. */
export function splitLabel(label: string, half: 0 | 1): string {
  return `${label}_${half}`
}

/**
 * The label of one table's rows in a batch. A batch of one table uses the batch label; a
 * partition carrying several tables gets one label per table, told apart by a hash.
 */
export function tableLabel(batch: string, table: string, tablesInBatch: number): string {
  return tablesInBatch <= 1 ? batch : `${batch}-${shortHash(table, 8)}`
}

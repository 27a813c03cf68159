// Binlog positions as the handoff between snapshot and stream needs them: comparable.
//
// A position is "file:pos" (mysql-bin.000042:1234). Files of one server sort by their
// numeric suffix, so (suffix, pos) orders every event of one source. GTIDs are carried
// too, but are not used for ordering: MariaDB domains and MySQL UUID sets have no total
// order across domains.

export interface BinlogPosition {
  file: string
  pos: number
}

export function formatPosition(p: BinlogPosition): string {
  return `${p.file}:${p.pos}`
}

export function parsePosition(text: string): BinlogPosition | undefined {
  const i = text.lastIndexOf(':')
  if (i <= 0) return undefined
  const pos = Number(text.slice(i + 1))
  if (!Number.isSafeInteger(pos) || pos < 0) return undefined
  return { file: text.slice(0, i), pos }
}

function fileIndex(file: string): number {
  const m = /(\d+)$/.exec(file)
  return m ? Number(m[1]) : Number.NaN
}

/** <0 when a is earlier than b, 0 when equal, >0 when later. Throws for unrelated files. */
export function comparePositions(a: BinlogPosition, b: BinlogPosition): number {
  if (a.file === b.file) return a.pos - b.pos
  const ia = fileIndex(a.file)
  const ib = fileIndex(b.file)
  if (Number.isNaN(ia) || Number.isNaN(ib) || a.file.replace(/\d+$/, '') !== b.file.replace(/\d+$/, '')) {
    throw new RangeError(`cannot order binlog positions of different logs: ${a.file} and ${b.file}`)
  }
  return ia - ib
}

// The command table. A new command is one file in this directory and one line below.
import type { Command } from '../cli/command.ts'
import { connectCommand } from './connect.ts'
import { doctorCommand } from './doctor.ts'
import { envelopeCommand } from './envelope.ts'
import { freshnessCommand } from './freshness.ts'
import { genCommand } from './gen.ts'
import { lagCommand } from './lag.ts'
import { snapshotCommand } from './snapshot.ts'
import { verifyCommand } from './verify.ts'

export const commands: readonly Command[] = [
  genCommand,
  snapshotCommand,
  verifyCommand,
  freshnessCommand,
  lagCommand,
  connectCommand,
  doctorCommand,
  envelopeCommand,
]

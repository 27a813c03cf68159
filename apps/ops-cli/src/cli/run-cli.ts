// Dispatch: argv → command → exit code. User errors become one line on stderr, never a
// stack trace; the process itself is left to main.ts.
import { parseArgs } from 'node:util'
import { describeError, exitCodes, isCliError } from '../errors.ts'
import type { Command, CommandContext } from './command.ts'
import { commandHelp, globalOptions, programHelp, programName } from './help.ts'

export async function runCli(
  argv: readonly string[],
  commands: readonly Command[],
  ctx: CommandContext,
): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined
    ctx.out.line(topic ? commandHelp(topic) : programHelp(commands))
    return name === undefined ? exitCodes.usage : exitCodes.ok
  }
  const command = commands.find((c) => c.name === name)
  if (command === undefined) {
    ctx.out.note(`${programName}: unknown command ${JSON.stringify(name)}; run \`${programName} --help\``)
    return exitCodes.usage
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, ...globalOptions },
      allowPositionals: true,
      strict: true,
    })
  } catch (err) {
    ctx.out.note(`${programName} ${command.name}: ${(err as Error).message.split('\n')[0]}`)
    return exitCodes.usage
  }
  if (parsed.values.help === true) {
    ctx.out.line(commandHelp(command))
    return exitCodes.ok
  }
  try {
    return await command.run({ values: parsed.values, positionals: parsed.positionals }, ctx)
  } catch (err) {
    const failure = isCliError(err) ? err : describeError(err)
    ctx.out.note(`${programName} ${command.name}: ${failure.message}`)
    if (parsed.values.debug === true && err instanceof Error && err.stack) ctx.out.note(err.stack)
    return failure.exitCode
  }
}

// Help texts: the command list, and one command's usage, options and examples.
import type { Command, OptionSpecs } from './command.ts'

export const programName = 'sync-ops'

export const globalOptions: OptionSpecs = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  debug: { type: 'boolean' },
}

const globalHelp: Record<string, string> = {
  help: 'show this help',
  json: 'print machine-readable JSON instead of text',
  config: 'JSON configuration file (default: $OPS_CLI_CONFIG); flags and environment override it',
  debug: 'print stack traces of unexpected errors',
}

export function programHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return [
    `Usage: ${programName} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run \`${programName} <command> --help\` for a command's options and examples.`,
    'Exit codes: 0 success, 1 failure (unreachable, rejected, remote error), 2 usage or',
    'configuration error, 3 check failed, 4 check passed with warnings.',
  ].join('\n')
}

function optionLines(options: OptionSpecs, help: Record<string, string>): string[] {
  const entries = Object.entries(options).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    '
    // a help text opening with `<value> ` names the value; else the flag's last word does
    const named = /^(<[^>\s]+>) (.*)$/.exec(help[name] ?? '')
    const text = named?.[2] ?? help[name] ?? ''
    const value = spec.type === 'string' ? ` ${named?.[1] ?? `<${name.split('-').pop()}>`}` : ''
    const repeat = spec.multiple && !/repeatable/.test(text) ? ' (repeatable)' : ''
    return { flag: `${short}--${name}${value}`, text: `${text}${repeat}` }
  })
  const width = Math.max(...entries.map((e) => e.flag.length))
  return entries.map((e) => `  ${e.flag.padEnd(width)}  ${e.text}`.trimEnd())
}

export function commandHelp(command: Command): string {
  return [
    `${command.summary}`,
    '',
    'Usage:',
    ...command.usage.map((u) => `  ${programName} ${u}`),
    ...(command.details?.length ? ['', ...command.details] : []),
    '',
    'Options:',
    ...optionLines({ ...command.options, ...globalOptions }, { ...command.optionHelp, ...globalHelp }),
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
  ].join('\n')
}

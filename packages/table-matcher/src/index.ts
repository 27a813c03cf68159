export {
  isTableMatcherError,
  TableMatcherError,
  type TableMatcherErrorCode,
  type TableMatcherErrorContext,
  tableMatcherErrorCodes,
} from './errors.ts'
export { loadRuleDirectory } from './load-rule-directory.ts'
export { type Anchoring, anchorings, type CompiledPattern, translatePythonRegex } from './python-regex.ts'
export {
  type BinaryEncoding,
  binaryEncodings,
  type ColumnPair,
  type IncludeExclude,
  type KeyCompose,
  keyComposes,
  type Rule,
  type RuleSet,
  type SnakeCaseMode,
  snakeCaseModes,
  type UnmappedPolicy,
  unmappedPolicies,
} from './rule.ts'
export { isRuleSet, type KnownTable, parseRuleSet, type RuleFile, type RuleSetOptions } from './rule-set.ts'
export { type SnakeCaseOptions, toSnakeCase } from './snake-case.ts'
export {
  createTableMatcher,
  type TableMatcher,
  type TableMatcherLogger,
  type TableMatcherMetrics,
  type TableMatcherOptions,
} from './table-matcher.ts'
export type { TablePlan, UnmappedColumnEvent } from './table-plan.ts'
export {
  type ReloadResult,
  type RuleDirectory,
  type WatchRuleDirectoryOptions,
  watchRuleDirectory,
} from './watch-rule-directory.ts'

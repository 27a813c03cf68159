// The canonical rendering, usable on its own (snapshot-loader renders SELECT rows with it).
export {
  type CatalogColumn,
  type ColumnKind,
  type ColumnSpec,
  columnKinds,
  mysqlTypes,
  specFromCatalog,
  specFromTableMap,
} from './column-spec.ts'
export { canonicalJsonText } from './json-text.ts'
export {
  isRawJson,
  RawJson,
  type RenderedRow,
  type RenderedValue,
  stringifyRow,
  stringifyValue,
} from './raw-json.ts'
export {
  type BinaryEncoding,
  binaryEncodings,
  createValueRenderer,
  type RenderCallOptions,
  type ValueRenderer,
  type ValueRendererOptions,
} from './renderer.ts'
export {
  loadJsonColumns,
  loadTableColumns,
  prepareSelectSession,
  type QueryRunner,
  quoteIdentifier,
  renderSelectRow,
  selectConnectionOptions,
  selectList,
} from './select.ts'

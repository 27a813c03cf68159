export {
  type Change,
  type ChangeOp,
  type ChangeSource,
  changeOps,
  messageVersion,
  type OutputFormat,
  outputFormats,
} from './change.ts'
export {
  type ChangeDecoder,
  type ChangeDecoderOptions,
  createChangeDecoder,
  type DecodedChange,
  type IncomingMessage,
  type OpeningCipher,
} from './decode.ts'
export {
  type ChangeEncoder,
  type ChangeEncoderOptions,
  compileKeyEncoder,
  compileSeedPlaintext,
  createChangeEncoder,
  debeziumPlaintext,
  type EncodedMessage,
  encodeKey,
  type SealingCipher,
  seedPlaintext,
} from './encode.ts'
export {
  ChangeMessageError,
  type ChangeMessageErrorCode,
  changeMessageErrorCodes,
  isChangeMessageError,
} from './errors.ts'
export { buildHeaders, headerNames, type RawHeaders, readHeaders, sourceFromHeaders } from './headers.ts'
export {
  compileRecordWriter,
  isRawJsonValue,
  parseJsonLossless,
  type RawJsonValue,
  rawJsonBrand,
  rawJsonValue,
  stringifyCanonical,
  stringifyStable,
} from './json-text.ts'
export { type BinlogPosition, comparePositions, formatPosition, parsePosition } from './position.ts'
export {
  controlHeader,
  encodeSnapshotControl,
  isControlMessage,
  parseSnapshotControl,
  type SnapshotControl,
  snapshotHeaders,
} from './snapshot-control.ts'
export { changesFromRow } from './update.ts'

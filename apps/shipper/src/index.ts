export {
  type Checkpoint,
  type CheckpointStore,
  createFileCheckpointStore,
  parseCheckpoint,
} from './checkpoint-store.ts'
export { type Shipper, type ShipperDeps, startShipper } from './compose.ts'
export {
  type ConfigResult,
  loadConfig,
  parseConfig,
  type ShipperConfig,
  type SourceConfig,
} from './config.ts'
export { createDeliveryLoop, type DeliveryLoop, type OutMessage } from './delivery-loop.ts'
export { isShipperError, ShipperError, type ShipperErrorCode, shipperErrorCodes } from './errors.ts'

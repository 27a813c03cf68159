export { type Shipper, type ShipperDeps, startShipper } from './compose.ts'
export {
  type ConfigResult,
  loadConfig,
  parseConfig,
  type ShipperConfig,
  type SourceConfig,
} from './config.ts'
export { isShipperError, ShipperError, type ShipperErrorCode, shipperErrorCodes } from './errors.ts'

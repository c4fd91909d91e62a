export {
  fleetFirstScreen,
  fleetList,
  fleetMetrics,
  fleetView,
  type FleetList,
  type FleetMetrics,
  type FleetView,
  type FleetServiceRow,
  type FleetViewDeps,
} from "./view";
export { FIRST_SCREEN_ROWS, healthKey, withMetrics } from "./rows";
export { fleetPage, FleetPageQuery, type FleetPage } from "./page";

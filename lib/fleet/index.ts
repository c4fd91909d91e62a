export { fleetView, type FleetView, type FleetServiceRow, type FleetViewDeps } from "./view";

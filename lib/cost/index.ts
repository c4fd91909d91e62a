export { costReport, METHOD, type CostReport, type ServiceCost } from "./report";
export { loadCostInputs } from "./load";
export { applyFreeTier, grossCost, priceSheet, tieredCost, forecastMonth, FREE_TIER } from "./pricing";

export { costReport, monthToDateCosts, METHOD, type CostReport, type ServiceCost } from "./report";
export { loadUsageAndPrices, reportFor, monthToDateFor, type CostInputs } from "./load";
export { applyFreeTier, grossCost, priceSheet, tieredCost, forecastMonth, FREE_TIER } from "./pricing";

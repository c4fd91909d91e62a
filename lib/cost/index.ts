export { costReport, monthToDateCosts, METHOD, type CostReport, type ServiceCost } from "./report";
export {
  loadUsageAndPrices,
  reportFor,
  monthToDateFor,
  idlePerDayFor,
  varianceFlagsFor,
  loadCostInsight,
  type CostInputs,
  type CostPageData,
} from "./load";
export { applyFreeTier, grossCost, priceSheet, tieredCost, forecastMonth, FREE_TIER } from "./pricing";
export { costInsight, type CostInsight, type ServiceInsight, type BudgetInsight } from "./insight";
export { saveBudgetDefinition } from "./budget-actions";
export { setVarianceThresholdDefinition, varianceThresholds } from "./thresholds";
export { billingAccountsOf, budgetsOf, type BudgetView, type BillingAccountView } from "./billing";
export { revisionCosts, deployImpact, type RevisionCost, type DeployImpact } from "./per-revision";
export { projectHistory } from "./history";
export { formatMoney, formatChange, formatPercent } from "./format";
export { costCsv, CSV_HEADER } from "./csv";

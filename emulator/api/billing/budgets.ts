// google.cloud.billing.budgets.v1.BudgetService: budgets of a billing
// account (create, list, get, update, delete), with Google's validation:
// an amount that is a positive specified Money in the account's currency or
// the last period's spend; threshold rules with a positive percent and a
// spend basis (forecasted only on calendar periods); a filter of projects,
// services and a calendar or custom period; etags for concurrent updates.
// The API never returns spend: whoever reads a budget computes it.
// Like Google, project references are stored and returned by number
// (projects/{id} becomes projects/{number}, projects.ts): a reader maps them
// back to ids through the Resource Manager.
import { randomBytes, randomUUID } from "node:crypto";
import { ensureSchema, type Db } from "../../db";
import { aborted, invalid, notFound } from "../../grpc/errors";
import { pageOf, readPage } from "../../grpc/paging";
import type { Handler } from "../../grpc/server";
import { projectNumber } from "../projects";
import { checkAccountName, type BillingAccounts } from "./accounts";

type Json = Record<string, unknown>;
type Budget = Record<string, any>;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS billing_budgets (
     name text PRIMARY KEY, account text NOT NULL, created timestamptz NOT NULL DEFAULT now(), budget jsonb NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS billing_budgets_account ON billing_budgets (account, created)`,
];

const MUTABLE = ["display_name", "budget_filter", "amount", "threshold_rules", "notifications_rule"] as const;
const camel = (p: string) => p.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const snake = (p: string) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function checkDate(d: Json | undefined, field: string): number {
  const y = Number(d?.year ?? 0),
    m = Number(d?.month ?? 0),
    day = Number(d?.day ?? 0);
  const t = Date.UTC(y, m - 1, day);
  if (!y || !m || !day || new Date(t).getUTCDate() !== day)
    throw invalid(`${field} must be a complete, valid date (year, month and day).`);
  return t;
}

/** Validates and fills Google's defaults; the message names the field that is wrong. */
export function checkBudget(input: Budget, currency: string): Budget {
  const b: Budget = structuredClone(input ?? {});
  const displayName = String(b.displayName ?? "");
  if ([...displayName].length > 60) throw invalid("budget.display_name must be at most 60 characters.");
  const filter: Budget = b.budgetFilter ?? {};
  const custom = filter.customPeriod;
  if (custom) {
    const start = checkDate(custom.startDate, "budget.budget_filter.custom_period.start_date");
    if (custom.endDate && checkDate(custom.endDate, "budget.budget_filter.custom_period.end_date") < start) {
      throw invalid("budget.budget_filter.custom_period.end_date must not be before start_date.");
    }
  }
  (filter.projects ?? []).forEach((p: string, i: number) => {
    if (!/^projects\/[a-z0-9][a-z0-9-]{4,61}[a-z0-9]$|^projects\/\d+$/.test(String(p)))
      throw invalid(`budget.budget_filter.projects[${i}]: "${p}" is not of the form projects/{project}.`);
  });
  (filter.services ?? []).forEach((s: string, i: number) => {
    if (!/^services\/[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/.test(String(s)))
      throw invalid(`budget.budget_filter.services[${i}]: "${s}" is not of the form services/{service_id}.`);
  });
  b.budgetFilter = {
    projects: filter.projects ?? [],
    resourceAncestors: filter.resourceAncestors ?? [],
    creditTypes: filter.creditTypes ?? [],
    creditTypesTreatment:
      filter.creditTypesTreatment && filter.creditTypesTreatment !== "CREDIT_TYPES_TREATMENT_UNSPECIFIED"
        ? filter.creditTypesTreatment
        : "INCLUDE_ALL_CREDITS",
    services: filter.services ?? [],
    subaccounts: filter.subaccounts ?? [],
    labels: filter.labels ?? {},
    ...(custom
      ? { customPeriod: custom }
      : {
          calendarPeriod:
            filter.calendarPeriod && filter.calendarPeriod !== "CALENDAR_PERIOD_UNSPECIFIED"
              ? filter.calendarPeriod
              : "MONTH",
        }),
  };

  const amount: Budget | undefined = b.amount;
  if (!amount || (!amount.specifiedAmount && !amount.lastPeriodAmount))
    throw invalid("budget.amount is required: set specified_amount or last_period_amount.");
  if (amount.lastPeriodAmount && custom)
    throw invalid("budget.amount.last_period_amount cannot be used with a custom period.");
  if (amount.specifiedAmount) {
    const money = amount.specifiedAmount;
    const code = String(money.currencyCode || currency);
    if (code !== currency)
      throw invalid(
        `budget.amount.specified_amount.currency_code "${code}" must match the billing account's currency (${currency}).`,
      );
    const units = Number(money.units ?? 0),
      nanos = Number(money.nanos ?? 0);
    if (
      !Number.isInteger(units) ||
      !Number.isInteger(nanos) ||
      Math.abs(nanos) > 999_999_999 ||
      (units > 0 && nanos < 0) ||
      (units < 0 && nanos > 0)
    ) {
      throw invalid(
        "budget.amount.specified_amount is not a valid Money (units and nanos must share a sign; |nanos| < 1e9).",
      );
    }
    if (units + nanos / 1e9 <= 0) throw invalid("budget.amount.specified_amount must be greater than zero.");
    b.amount = { specifiedAmount: { currencyCode: code, units: String(units), nanos } };
  } else b.amount = { lastPeriodAmount: {} };

  b.thresholdRules = (b.thresholdRules ?? []).map((r: Budget, i: number) => {
    const pct = Number(r.thresholdPercent);
    if (!Number.isFinite(pct) || pct <= 0)
      throw invalid(`budget.threshold_rules[${i}].threshold_percent must be a positive number (1.0 = 100 %).`);
    const basis = r.spendBasis && r.spendBasis !== "BASIS_UNSPECIFIED" ? String(r.spendBasis) : "CURRENT_SPEND";
    if (basis === "FORECASTED_SPEND" && custom)
      throw invalid(`budget.threshold_rules[${i}].spend_basis FORECASTED_SPEND is not supported with a custom period.`);
    return { thresholdPercent: pct, spendBasis: basis };
  });
  const n = b.notificationsRule ?? {};
  if (n.pubsubTopic && !/^projects\/[^/]+\/topics\/[^/]+$/.test(n.pubsubTopic))
    throw invalid("budget.notifications_rule.pubsub_topic must be of the form projects/{project}/topics/{topic}.");
  if ((n.monitoringNotificationChannels ?? []).length > 5)
    throw invalid("budget.notifications_rule.monitoring_notification_channels: at most 5 channels.");
  b.notificationsRule = {
    pubsubTopic: n.pubsubTopic ?? "",
    schemaVersion: n.pubsubTopic ? n.schemaVersion || "1.0" : (n.schemaVersion ?? ""),
    monitoringNotificationChannels: n.monitoringNotificationChannels ?? [],
    disableDefaultIamRecipients: !!n.disableDefaultIamRecipients,
    enableProjectLevelRecipients: !!n.enableProjectLevelRecipients,
  };
  return {
    name: b.name ?? "",
    displayName,
    budgetFilter: b.budgetFilter,
    amount: b.amount,
    thresholdRules: b.thresholdRules,
    notificationsRule: b.notificationsRule,
    etag: "",
  };
}

/** Google's form of the filter: `projects/{number}`. */
function byNumber(b: Budget): Budget {
  b.budgetFilter.projects = b.budgetFilter.projects.map(
    (p: string) => `projects/${projectNumber(p.slice("projects/".length))}`,
  );
  return b;
}

/** The members of the Budget model's oneofs: setting one clears the others. The loader's oneof markers (`budgetAmount`, `usagePeriod`) are skipped. */
const ONEOFS = [
  ["specifiedAmount", "lastPeriodAmount"],
  ["calendarPeriod", "customPeriod"],
];
const ONEOF_MARKERS = new Set(["budgetAmount", "usagePeriod"]);
const MAPS = new Set(["labels"]);

const isDefault = (k: string, v: unknown) =>
  v === undefined ||
  v === null ||
  v === "" ||
  v === 0 ||
  v === "0" ||
  v === false ||
  (Array.isArray(v) && !v.length) ||
  (typeof v === "string" && /_UNSPECIFIED$/.test(v)) ||
  (MAPS.has(k) && typeof v === "object" && !Object.keys(v as object).length);

/** `current` with every non-default field of `patch` written in; messages merged field by field, lists and maps replaced. */
export function mergeNonDefault(current: Budget, patch: Budget): Budget {
  const out: Budget = structuredClone(current ?? {});
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (ONEOF_MARKERS.has(k) || isDefault(k, v)) continue;
    const isMessage = typeof v === "object" && !Array.isArray(v) && !MAPS.has(k) && !Buffer.isBuffer(v);
    out[k] = isMessage
      ? mergeNonDefault(out[k] && typeof out[k] === "object" ? out[k] : {}, v as Budget)
      : structuredClone(v);
    for (const group of ONEOFS) if (group.includes(k)) for (const other of group) if (other !== k) delete out[other];
  }
  return out;
}

const BUDGET_NAME = /^(billingAccounts\/[^/]+)\/budgets\/[^/]+$/;

export class BudgetStore {
  constructor(
    private readonly db: Db,
    private readonly accounts: BillingAccounts,
  ) {}

  ensureSchema(): Promise<void> {
    return ensureSchema(this.db, SCHEMA);
  }

  async currencyOf(account: string): Promise<string> {
    const a = await this.accounts.get(account);
    if (!a) throw notFound(`Billing account ${account} not found.`);
    return a.currencyCode;
  }

  async create(parent: string, input: Budget): Promise<Budget> {
    const account = checkAccountName(parent, "parent");
    const budget = byNumber(checkBudget(input, await this.currencyOf(account)));
    budget.name = `${account}/budgets/${randomUUID()}`;
    budget.etag = randomBytes(8).toString("hex");
    await this.db.query("INSERT INTO billing_budgets (name, account, budget) VALUES ($1, $2, $3)", [
      budget.name,
      account,
      budget,
    ]);
    return budget;
  }

  async get(name: string): Promise<Budget> {
    if (!BUDGET_NAME.test(String(name ?? "")))
      throw invalid(`name: expected billingAccounts/{billing_account}/budgets/{budget}, got "${name ?? ""}"`);
    const { rows } = await this.db.query("SELECT budget FROM billing_budgets WHERE name = $1", [name]);
    if (!rows.length) throw notFound(`Budget ${name} not found.`);
    return rows[0].budget;
  }

  async list(parent: string, scope: string, page: { offset: number; limit: number }): Promise<Budget[]> {
    const account = checkAccountName(parent, "parent");
    await this.currencyOf(account);
    if (scope && !/^projects\/[^/]+$/.test(scope)) throw invalid(`scope: expected projects/{project}, got "${scope}"`);
    if (scope) scope = `projects/${projectNumber(scope.slice("projects/".length))}`;
    const { rows } = await this.db.query(
      `SELECT budget FROM billing_budgets WHERE account = $1 AND ($2 = '' OR budget->'budgetFilter'->'projects' = jsonb_build_array($2::text))
       ORDER BY created, name OFFSET $3 LIMIT $4`,
      [account, scope, page.offset, page.limit + 1],
    );
    return rows.map((r) => r.budget);
  }

  async update(input: Budget, mask: string[] | undefined): Promise<Budget> {
    const current = await this.get(input?.name);
    if (input.etag && input.etag !== current.etag)
      throw aborted(
        `The budget ${current.name} was changed since it was read (etag "${input.etag}" is stale); read it again.`,
      );
    // Without a mask Google updates "only fields with non-default values from the request": field by field, into messages.
    if (!mask?.length)
      return this.save(
        current,
        mergeNonDefault(
          current,
          Object.fromEntries(
            MUTABLE.map(camel)
              .filter((k) => input[k] !== undefined)
              .map((k) => [k, input[k]]),
          ),
        ),
      );
    const paths = mask.map(snake);
    const merged: Budget = { ...current };
    for (const p of paths) {
      const top = p.split(".")[0] as (typeof MUTABLE)[number];
      if (!MUTABLE.includes(top))
        throw invalid(`update_mask: "${p}" is not a field of Budget that can be updated (${MUTABLE.join(", ")}).`);
      merged[camel(top)] = input[camel(top)];
    }
    return this.save(current, merged);
  }

  private async save(current: Budget, merged: Budget): Promise<Budget> {
    const account = BUDGET_NAME.exec(current.name)![1];
    const budget = byNumber(checkBudget(merged, await this.currencyOf(account)));
    budget.name = current.name;
    budget.etag = randomBytes(8).toString("hex");
    // Written only over the copy read above: of two updates from one etag, the second finds it moved and is ABORTED, as on Google.
    const { rowCount } = await this.db.query(
      "UPDATE billing_budgets SET budget = $2 WHERE name = $1 AND budget->>'etag' = $3",
      [budget.name, budget, current.etag],
    );
    if (!rowCount)
      throw aborted(
        `The budget ${current.name} was changed since it was read (etag "${current.etag}" is stale); read it again.`,
      );
    return budget;
  }

  /** Google: "Returns successfully if already deleted" (a well-formed name that holds no budget is not NOT_FOUND). */
  async delete(name: string): Promise<void> {
    if (!BUDGET_NAME.test(String(name ?? "")))
      throw invalid(`name: expected billingAccounts/{billing_account}/budgets/{budget}, got "${name ?? ""}"`);
    await this.db.query("DELETE FROM billing_budgets WHERE name = $1", [name]);
  }
}

export function budgetHandlers(store: BudgetStore): Record<string, Handler> {
  return {
    CreateBudget: (req: Json) => store.create(String(req.parent ?? ""), req.budget as Budget),
    GetBudget: (req: Json) => store.get(String(req.name ?? "")),
    async ListBudgets(req: Json) {
      const page = readPage(req.pageSize as number, req.pageToken as string, 100, 100);
      const { items, nextPageToken } = pageOf(
        await store.list(String(req.parent ?? ""), String(req.scope ?? ""), page),
        page,
      );
      return { budgets: items, nextPageToken };
    },
    UpdateBudget: (req: Json) =>
      store.update((req.budget ?? {}) as Budget, (req.updateMask as { paths?: string[] } | undefined)?.paths),
    async DeleteBudget(req: Json) {
      await store.delete(String(req.name ?? ""));
      return {};
    },
  };
}

// google.cloud.billing.v1.CloudBilling, the part the portal reads: billing
// accounts (with their currency) and which account pays for a project. The
// emulator has one open account by default, in USD, and every project is
// linked to it unless linked elsewhere (emulator choice: there is no project
// creation here, so a project with resources always has billing enabled).
import { ensureSchema, type Db } from "../../db";
import { invalid, notFound } from "../../grpc/errors";
import { pageOf, readPage } from "../../grpc/paging";
import type { Handler } from "../../grpc/server";
import { USD_RATES } from "./currency";

export const DEFAULT_ACCOUNT = "billingAccounts/01A2B3-C4D5E6-F7A8B9";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS billing_accounts (
     name text PRIMARY KEY, display_name text NOT NULL, currency text NOT NULL, open boolean NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS billing_project_links (project text PRIMARY KEY, account text NOT NULL)`,
];

export type Account = { name: string; displayName: string; currencyCode: string; open: boolean };

export class BillingAccounts {
  constructor(private readonly db: Db) {}

  async ensureSchema(defaultCurrency = "USD"): Promise<void> {
    await ensureSchema(this.db, SCHEMA);
    await this.db.query(
      "INSERT INTO billing_accounts VALUES ($1, 'Runway demo billing account', $2, true) ON CONFLICT DO NOTHING",
      [DEFAULT_ACCOUNT, defaultCurrency],
    );
  }

  async get(name: string): Promise<Account | undefined> {
    const { rows } = await this.db.query(
      "SELECT name, display_name, currency, open FROM billing_accounts WHERE name = $1",
      [name],
    );
    return (
      rows[0] && {
        name: rows[0].name,
        displayName: rows[0].display_name,
        currencyCode: rows[0].currency,
        open: rows[0].open,
      }
    );
  }

  async list(): Promise<Account[]> {
    const { rows } = await this.db.query(
      "SELECT name, display_name, currency, open FROM billing_accounts ORDER BY name",
    );
    return rows.map((r) => ({ name: r.name, displayName: r.display_name, currencyCode: r.currency, open: r.open }));
  }

  /** Adds an account (tests and demos: another currency). */
  async add(a: Account): Promise<void> {
    if (!USD_RATES[a.currencyCode]) throw new Error(`unsupported currency ${a.currencyCode}`);
    await this.db.query(
      "INSERT INTO billing_accounts VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET display_name = $2, currency = $3, open = $4",
      [a.name, a.displayName, a.currencyCode, a.open],
    );
  }

  async link(project: string, account: string): Promise<void> {
    await this.db.query(
      "INSERT INTO billing_project_links VALUES ($1, $2) ON CONFLICT (project) DO UPDATE SET account = $2",
      [project, account],
    );
  }

  async accountOf(project: string): Promise<string> {
    const { rows } = await this.db.query("SELECT account FROM billing_project_links WHERE project = $1", [project]);
    return rows[0]?.account ?? DEFAULT_ACCOUNT;
  }
}

const ACCOUNT_NAME = /^billingAccounts\/[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/;

export function checkAccountName(name: unknown, field: string): string {
  const n = String(name ?? "");
  if (!ACCOUNT_NAME.test(n))
    throw invalid(`${field}: expected billingAccounts/{billing_account_id} (XXXXXX-XXXXXX-XXXXXX), got "${n}"`);
  return n;
}

const toProto = (a: Account) => ({
  name: a.name,
  open: a.open,
  displayName: a.displayName,
  masterBillingAccount: "",
  parent: "",
  currencyCode: a.currencyCode,
});

export function cloudBillingHandlers(
  accounts: BillingAccounts,
  resolveProject: (p: string) => Promise<string>,
): Record<string, Handler> {
  return {
    async GetBillingAccount(req) {
      const name = checkAccountName(req.name, "name");
      const a = await accounts.get(name);
      if (!a) throw notFound(`Billing account ${name} not found.`);
      return toProto(a);
    },
    async ListBillingAccounts(req) {
      const page = readPage(req.pageSize, req.pageToken, 100, 100);
      const all = (await accounts.list()).map(toProto);
      const { items, nextPageToken } = pageOf(all.slice(page.offset, page.offset + page.limit + 1), page);
      return { billingAccounts: items, nextPageToken };
    },
    async GetProjectBillingInfo(req) {
      const m = /^projects\/([^/]+)$/.exec(String(req.name ?? ""));
      if (!m) throw invalid(`name: expected projects/{project_id}, got "${req.name ?? ""}"`);
      const project = await resolveProject(m[1]);
      const account = await accounts.accountOf(project);
      return {
        name: `projects/${project}/billingInfo`,
        projectId: project,
        billingAccountName: account,
        billingEnabled: true,
      };
    },
  };
}

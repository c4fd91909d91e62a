// Project ids and project numbers, in one place for every API. Each project
// id gets a stable derived 12-digit number
// (the one in Secret Manager names and default service accounts), and every
// project that holds a resource is recorded in `emu_projects`, so that a
// request naming the project by number (`projects/894821819954/...`), which
// Google's protos allow everywhere, finds the id the tables key on. The
// Resource Manager (resource-manager.ts) serves these same projects.
import { createHash } from "node:crypto";
import { ensureSchema, type Db, type Queryable } from "../db";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS emu_projects (
    id text PRIMARY KEY,
    number text NOT NULL UNIQUE
  )`,
];

const NUMBER = /^\d+$/;

/** A stable 12-digit project number per project id. A number stands for itself (project ids start with a letter). */
export function projectNumber(project: string): string {
  if (NUMBER.test(project)) return project;
  const digest = createHash("sha256").update(project).digest();
  return String(100_000_000_000 + (digest.readUIntBE(0, 6) % 900_000_000_000));
}

export class Projects {
  private readonly known = new Map<string, string>();

  constructor(readonly db: Db) {}

  ensureSchema(): Promise<void> {
    return ensureSchema(this.db, SCHEMA);
  }

  /** Records that a project holds resources (idempotent; inside the caller's transaction when given). */
  async register(project: string, q: Queryable = this.db): Promise<void> {
    if (NUMBER.test(project) || this.known.get(projectNumber(project)) === project) return;
    await q.query("INSERT INTO emu_projects (id, number) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
      project,
      projectNumber(project),
    ]);
    this.known.set(projectNumber(project), project);
  }

  /** Records the projects of rows that existed before this table did (`SELECT DISTINCT project FROM <table>`). */
  async learnFrom(tables: string[]): Promise<void> {
    for (const table of tables) {
      const { rows } = await this.db.query<{ project: string }>(`SELECT DISTINCT project FROM ${table}`);
      for (const r of rows) await this.register(r.project);
    }
  }

  /** A project id or number → the id; an unknown number is kept as it is (a project that holds nothing yet). */
  async resolve(project: string): Promise<string> {
    if (!NUMBER.test(project)) return project;
    const cached = this.known.get(project);
    if (cached) return cached;
    const { rows } = await this.db.query<{ id: string }>("SELECT id FROM emu_projects WHERE number = $1", [project]);
    if (!rows.length) return project;
    this.known.set(project, rows[0].id);
    return rows[0].id;
  }

  /** A recorded project by id or number; null for one that holds nothing. */
  async find(project: string): Promise<{ id: string; number: string } | null> {
    const { rows } = await this.db.query<{ id: string; number: string }>(
      "SELECT id, number FROM emu_projects WHERE id = $1 OR number = $1",
      [project],
    );
    return rows[0] ?? null;
  }

  /** Every recorded project, by id. */
  async all(): Promise<{ id: string; number: string }[]> {
    return (await this.db.query<{ id: string; number: string }>("SELECT id, number FROM emu_projects ORDER BY id"))
      .rows;
  }

  /** `projects/{id or number}/…` → the same name with the project id. */
  async canonical(name: string): Promise<string> {
    const m = /^projects\/([^/]+)(\/.*)?$/.exec(name ?? "");
    if (!m || !NUMBER.test(m[1])) return name;
    return `projects/${await this.resolve(m[1])}${m[2] ?? ""}`;
  }
}

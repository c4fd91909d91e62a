// Pushes the indexable parts of a filter into SQL: top-level AND terms on
// severity, timestamp, service (or job), revision and text. The result
// is a superset of the matches; matches() in JS has the last word, so a term
// we cannot push down costs speed, never correctness.
import type { Node } from "./filter";
import { severityRank } from "./filter";

const SQL_OPS = new Set(["=", "!=", "<", "<=", ">", ">="]);

function conjuncts(node: Node | null): Node[] {
  if (!node) return [];
  return node.k === "and" ? node.items.flatMap(conjuncts) : [node];
}

const likeEscape = (s: string) => s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);

export function whereClauses(node: Node | null, params: unknown[]): string[] {
  const out: string[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  for (const n of conjuncts(node)) {
    if (n.k === "text") {
      out.push(`search LIKE ${param(`%${likeEscape(n.value)}%`)}`);
      continue;
    }
    if (n.k !== "cmp") continue;
    const path = n.path.join(".");
    const one = n.values.length === 1 ? n.values[0] : undefined;
    if (path === "severity" && SQL_OPS.has(n.op)) {
      const ranks = n.values.map((v) => (/^\d+$/.test(v) ? Number(v) : severityRank(v)));
      if (n.op === "=") out.push(`severity = ANY(${param(ranks)}::int[])`);
      else if (one !== undefined) out.push(`severity ${n.op} ${param(ranks[0])}`);
    } else if (path === "timestamp" && one !== undefined && ["<", "<=", ">", ">="].includes(n.op)) {
      out.push(`ts ${n.op} ${param(new Date(one).toISOString())}::timestamptz`);
    } else if (path === "resource.labels.service_name" && n.op === "=") {
      out.push(`service = ANY(${param(n.values.map((v) => v.toLowerCase()))}::text[])`);
    } else if ((path === "resource.labels.job_id" || path === "resource.labels.job_name") && n.op === "=") {
      // Scheduler and Cloud Run job entries keep the job's id, lowercased, in the service column.
      out.push(`service = ANY(${param(n.values.map((v) => v.toLowerCase()))}::text[])`);
    } else if (path === "resource.labels.revision_name" && n.op === "=") {
      out.push(`revision = ANY(${param(n.values.map((v) => v.toLowerCase()))}::text[])`);
    } else if (
      n.op === ":" &&
      one !== undefined &&
      one !== "*" &&
      (n.path[0] === "textPayload" || n.path[0] === "jsonPayload")
    ) {
      out.push(`search LIKE ${param(`%${likeEscape(one)}%`)}`);
    }
  }
  return out;
}

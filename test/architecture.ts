// The layering rules of the repository, checked from the imports of every
// .ts/.tsx file (parsed with the TypeScript compiler, so `import … from`,
// `export … from`, `import()` and `require()` are all seen, and type-only
// imports are told apart). test/architecture.test.ts runs it on the
// repository and on small fixtures that break each rule.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

export type Import = { specifier: string; typeOnly: boolean };
/** A call of a Cloud Run service mutation (`….services.updateService(…)`), with what it was called on. */
export type ServiceWriteCall = { method: string; receiver: string; line: number };
export type ParsedFile = {
  imports: Import[];
  directives: string[];
  serverOnly: boolean;
  serviceWrites: ServiceWriteCall[];
};
export type Violation = {
  rule: string;
  file: string;
  specifier: string;
  target: string;
  chain: string[];
  message: string;
};

/** Every module a file depends on, and its leading directives ("use client", "use server"). */
export function parseFile(file: string, text: string): ParsedFile {
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    false,
    file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const imports: Import[] = [];
  const directives: string[] = [];
  const serviceWrites: ServiceWriteCall[] = [];
  for (const statement of source.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) break;
    directives.push(statement.expression.text);
  }
  const literal = (node: ts.Node | undefined) => (node && ts.isStringLiteralLike(node) ? node.text : null);
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allNamedAreTypes =
        !!named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && allNamedAreTypes));
      imports.push({ specifier: literal(node.moduleSpecifier)!, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const clause = node.exportClause;
      const allTypes =
        !!clause &&
        ts.isNamedExports(clause) &&
        clause.elements.length > 0 &&
        clause.elements.every((e) => e.isTypeOnly);
      imports.push({ specifier: literal(node.moduleSpecifier)!, typeOnly: node.isTypeOnly || allTypes });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const specifier = literal(node.moduleReference.expression);
      if (specifier) imports.push({ specifier, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
      const specifier = literal(node.arguments[0]);
      if ((isImport || isRequire) && specifier) imports.push({ specifier, typeOnly: false });
      const callee = node.expression;
      const method = ts.isPropertyAccessExpression(callee)
        ? callee.name.text
        : ts.isElementAccessExpression(callee)
          ? literal(callee.argumentExpression)
          : null;
      if (
        method &&
        SERVICE_MUTATIONS.has(method) &&
        (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee))
      ) {
        const on = callee.expression;
        const receiver = ts.isPropertyAccessExpression(on)
          ? on.name.text
          : ts.isIdentifier(on)
            ? on.text
            : on.getText(source);
        if (!OTHER_APIS_SERVICES.has(receiver))
          serviceWrites.push({
            method,
            receiver: on.getText(source),
            line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
          });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return {
    imports,
    directives,
    serverOnly: imports.some((i) => i.specifier === "server-only" && !i.typeOnly),
    serviceWrites,
  };
}

const SERVICE_MUTATIONS = new Set(["createService", "updateService", "deleteService"]);
/** Clients of other APIs whose "services" are not Cloud Run's: Cloud Monitoring's service monitoring (SLOs). */
const OTHER_APIS_SERVICES = new Set(["slos"]);

const EXTENSIONS = ["", ".ts", ".tsx", "/index.ts", "/index.tsx"];

/** The repository path an import points at (`@/` is the root), or null for a package. */
export function resolveImport(from: string, specifier: string, files: ReadonlySet<string>): string | null {
  let base: string;
  if (specifier.startsWith("@/")) base = specifier.slice(2);
  else if (specifier.startsWith("./") || specifier.startsWith("../"))
    base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  else return null;
  base = base.replace(/\.js$/, "");
  for (const ext of EXTENSIONS) if (files.has(base + ext)) return base + ext;
  return base; // a file we do not parse (CSS, JSON): still placed in its folder
}

const under = (file: string, ...folders: string[]) => folders.some((f) => file === f || file.startsWith(`${f}/`));
const isTest = (file: string) => /\.test\.tsx?$/.test(file);

/**
 * What the frameworks (lib/operations, lib/actions) may use: the foundation
 * every capability stands on. Capabilities (services, databases, secrets, …)
 * plug into them, never the other way round.
 */
export const OPERATIONS_MAY_IMPORT = [
  "lib/operations",
  "lib/db.ts",
  "lib/generated",
  "lib/log.ts",
  "lib/errors.ts",
  "lib/redact.ts",
  "lib/cache.ts",
  "lib/config.ts",
  "lib/gcp",
  "lib/audit",
  "lib/actions",
  "lib/auth/roles.ts",
  "lib/scope",
];
const ACTIONS_MAY_IMPORT = [...OPERATIONS_MAY_IMPORT, "lib/auth/session.ts", "lib/scope", "lib/rate-limit"];

type LayerRule = {
  rule: string;
  applies: (file: string) => boolean;
  forbidden: (target: string) => boolean;
  fix: string;
};

const LAYER_RULES: LayerRule[] = [
  {
    rule: "components → app",
    applies: (f) => under(f, "components"),
    forbidden: (t) => under(t, "app"),
    fix: "components never import app/. Move the code into components/<feature>/ (a server action into components/<feature>/actions.ts) or lib/, or pass it in as a prop.",
  },
  {
    rule: "lib → app/components",
    applies: (f) => under(f, "lib"),
    forbidden: (t) => under(t, "app", "components"),
    fix: "lib/ is the domain layer and knows nothing of pages or UI. Move the shared type or function into lib/ and import it from there in app/ or components/.",
  },
  {
    rule: "emulator → portal",
    applies: (f) => under(f, "emulator"),
    forbidden: (t) => under(t, "lib", "scripts", "app", "components", "bench"),
    fix: "the emulator is its own house and shares nothing with the portal but the Google protos. Move the helper into emulator/ (others may import it from there) or copy the few lines it needs.",
  },
  {
    rule: "lib/operations → capability",
    applies: (f) => under(f, "lib/operations") && !isTest(f),
    forbidden: (t) => under(t, "lib") && !under(t, ...OPERATIONS_MAY_IMPORT),
    fix: `lib/operations is the framework capabilities plug into; it may import only ${OPERATIONS_MAY_IMPORT.slice(1).join(", ")}. Have the capability register its poller (or pass what is needed in at start-up) instead of importing it.`,
  },
  {
    rule: "lib/actions → capability",
    applies: (f) => under(f, "lib/actions") && !isTest(f),
    forbidden: (t) => under(t, "lib") && !under(t, ...ACTIONS_MAY_IMPORT),
    fix: "lib/actions is the guarded path every capability's actions go through; it imports none of them. List a new action in lib/action-definitions.ts instead.",
  },
];

const CLIENT_RULE = "client → server-only";
/** The one file of lib/ that sends Cloud Run service mutations (docs: DESIGN.md, "one module in lib/services"). */
export const CLOUD_RUN_WRITER = "lib/services/write/send.ts";
const WRITE_RULE = "Cloud Run service writes → lib/services/write";
export const RULES = [...LAYER_RULES.map((r) => r.rule), CLIENT_RULE, WRITE_RULE];

const WRITE_FIX = `every create, update and delete of a Cloud Run service goes through sendServiceWrite (${CLOUD_RUN_WRITER}), which carries the etag the change was derived from and turns a stale one into ServiceChanged (who changed what). Build the Service with the helpers in lib/services/write and send it there.`;

const CLIENT_FIX =
  'client components are sent to the browser. Import only types from this module (`import type`), move the value into a module without secrets or the database, or reach the server through a server action ("use server" file) or a route handler.';

/** Every rule checked over `files` (repository-relative path → source text). */
export function checkArchitecture(files: ReadonlyMap<string, string>): Violation[] {
  const names = new Set(files.keys());
  const parsed = new Map([...files].map(([file, text]) => [file, parseFile(file, text)]));
  const violations: Violation[] = [];

  for (const [file, { imports }] of parsed) {
    for (const { specifier } of imports) {
      const target = resolveImport(file, specifier, names);
      if (!target) continue;
      for (const r of LAYER_RULES) {
        if (r.applies(file) && r.forbidden(target)) {
          violations.push({
            rule: r.rule,
            file,
            specifier,
            target,
            chain: [file, target],
            message: `${file} imports "${specifier}" (${target}): ${r.fix}`,
          });
        }
      }
    }
  }

  for (const [file, { serviceWrites }] of parsed) {
    if (!under(file, "lib") || isTest(file) || file === CLOUD_RUN_WRITER) continue;
    for (const call of serviceWrites) {
      const specifier = `${call.receiver}.${call.method}`;
      violations.push({
        rule: WRITE_RULE,
        file,
        specifier,
        target: CLOUD_RUN_WRITER,
        chain: [file, CLOUD_RUN_WRITER],
        message: `${file}:${call.line} calls ${specifier} on the Cloud Run client: ${WRITE_FIX}`,
      });
    }
  }

  // Client components: walk value imports until a server-only module, stopping
  // at "use server" files (Next replaces them with references to the server).
  for (const [file, info] of parsed) {
    if (!info.directives.includes("use client")) continue;
    const report = (chain: string[]) =>
      violations.push({
        rule: CLIENT_RULE,
        file,
        specifier: "server-only",
        target: chain.at(-1)!,
        chain,
        message: `${file} is a client component and reaches a server-only module: ${chain.join(" → ")}. Fix: ${CLIENT_FIX}`,
      });
    const seen = new Set<string>([file]);
    const walk = (current: string, chain: string[]): void => {
      for (const { specifier, typeOnly } of parsed.get(current)!.imports) {
        if (typeOnly) continue;
        if (specifier === "server-only") {
          report(chain);
          continue;
        }
        const target = resolveImport(current, specifier, names);
        if (!target || seen.has(target) || !parsed.has(target)) continue;
        seen.add(target);
        const next = parsed.get(target)!;
        if (next.directives.includes("use server")) continue;
        if (next.serverOnly) report([...chain, target]);
        else walk(target, [...chain, target]);
      }
    };
    walk(file, [file]);
  }
  return violations;
}

const SKIP = new Set([
  "node_modules",
  ".next",
  ".data",
  ".data-e2e",
  "generated",
  "images",
  "test-results",
  "playwright-report",
]);

/** Every .ts/.tsx file of the repository at `root`, by repository-relative path. */
export function loadRepository(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (entry.name.startsWith(".") || SKIP.has(entry.name)) continue;
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts"))
        files.set(rel, readFileSync(path.join(root, rel), "utf8"));
    }
  };
  walk("");
  return files;
}

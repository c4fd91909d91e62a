"use client";

import { useState } from "react";
import { deploy } from "./actions";
import { deployCanary } from "@/components/releases/actions";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import { useAction } from "@/components/ui/use-action";

export type DeployDefaults = {
  image: string;
  env: { name: string; value: string }[];
  secrets: { name: string; secret: string; version: string }[];
  cpu: string;
  memory: string;
  billing: "request" | "instance";
  minInstances: number;
  maxInstances: number;
  concurrency: number;
  timeoutSeconds: number;
};

const CPUS = ["1", "2", "4", "8"];
const MEMORY = ["256Mi", "512Mi", "1Gi", "2Gi", "4Gi", "8Gi", "16Gi", "32Gi"];

export function DeployForm({
  service,
  etag,
  defaults,
  path,
  releaseSteps,
}: {
  service: { project: string; region: string; service: string };
  etag: string;
  defaults: DeployDefaults;
  path: string;
  releaseSteps?: string;
}) {
  const [form, setForm] = useState({
    ...defaults,
    traffic: "all" as "all" | "tagged" | "canary",
    tag: "",
    changeRef: "",
    changeUrl: "",
  });
  // A canary release is its own operation (lib/releases): deployed with no traffic, then moved step by step.
  const { submit, pending, result, fieldErrors } = useAction(form.traffic === "canary" ? deployCanary : deploy, {
    followAt: path,
  });
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm({ ...form, [key]: value });
  const err = (key: string) => fieldErrors[key];

  return (
    <form
      className="space-y-6"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ ...service, etag, ...form });
      }}
    >
      <section className="grid gap-4 sm:grid-cols-2">
        <div className="sm:col-span-2">
          <Field label="Image (with tag or digest)" htmlFor="image" error={err("image")}>
            <Input
              id="image"
              value={form.image}
              onChange={(e) => set("image", e.target.value)}
              className="font-mono"
              required
            />
          </Field>
        </div>
        <Field label="CPU (vCPU)" htmlFor="cpu" error={err("cpu")}>
          <Select id="cpu" value={form.cpu} onChange={(e) => set("cpu", e.target.value)}>
            {CPUS.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </Select>
        </Field>
        <Field label="Memory" htmlFor="memory" error={err("memory")}>
          <Select id="memory" value={form.memory} onChange={(e) => set("memory", e.target.value)}>
            {MEMORY.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </Select>
        </Field>
        <Field label="CPU allocation (billing)" htmlFor="billing" error={err("billing")}>
          <Select
            id="billing"
            value={form.billing}
            onChange={(e) => set("billing", e.target.value as "request" | "instance")}
          >
            <option value="request">Only during requests (request-based)</option>
            <option value="instance">Always (instance-based)</option>
          </Select>
        </Field>
        <Field label="Min instances" htmlFor="min" error={err("minInstances")}>
          <Input
            id="min"
            type="number"
            min={0}
            value={form.minInstances}
            onChange={(e) => set("minInstances", e.target.valueAsNumber)}
          />
        </Field>
        <Field label="Max instances" htmlFor="max" error={err("maxInstances")}>
          <Input
            id="max"
            type="number"
            min={1}
            value={form.maxInstances}
            onChange={(e) => set("maxInstances", e.target.valueAsNumber)}
          />
        </Field>
        <Field label="Concurrency (requests per instance)" htmlFor="concurrency" error={err("concurrency")}>
          <Input
            id="concurrency"
            type="number"
            min={1}
            max={1000}
            value={form.concurrency}
            onChange={(e) => set("concurrency", e.target.valueAsNumber)}
          />
        </Field>
        <Field label="Request timeout (seconds)" htmlFor="timeout" error={err("timeoutSeconds")}>
          <Input
            id="timeout"
            type="number"
            min={1}
            max={3600}
            value={form.timeoutSeconds}
            onChange={(e) => set("timeoutSeconds", e.target.valueAsNumber)}
          />
        </Field>
      </section>

      <section className="space-y-2">
        <h3 className="text-sm font-semibold">Environment variables</h3>
        {form.env.map((v, i) => (
          <div key={i} className="flex gap-2">
            <Input
              aria-label={`Name of variable ${i + 1}`}
              value={v.name}
              onChange={(e) =>
                set(
                  "env",
                  form.env.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)),
                )
              }
              className="w-56 font-mono"
            />
            <Input
              aria-label={`Value of variable ${i + 1}`}
              value={v.value}
              onChange={(e) =>
                set(
                  "env",
                  form.env.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)),
                )
              }
              className="flex-1 font-mono"
            />
            <Button
              type="button"
              variant="ghost"
              aria-label={`Remove variable ${i + 1}`}
              onClick={() =>
                set(
                  "env",
                  form.env.filter((_, j) => j !== i),
                )
              }
            >
              ✕
            </Button>
          </div>
        ))}
        {Object.entries(fieldErrors)
          .filter(([k]) => k.startsWith("env"))
          .map(([k, v]) => (
            <p key={k} className="text-xs text-red-600 dark:text-red-400">
              {k}: {v.join(" ")}
            </p>
          ))}
        <Button type="button" variant="secondary" onClick={() => set("env", [...form.env, { name: "", value: "" }])}>
          Add variable
        </Button>
      </section>

      <section className="space-y-2">
        <h3 className="text-sm font-semibold">Secrets as environment variables</h3>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          References only: the value is read from Secret Manager when an instance starts.
        </p>
        {form.secrets.map((s, i) => (
          <div key={i} className="flex gap-2">
            <Input
              aria-label={`Variable of secret ${i + 1}`}
              value={s.name}
              onChange={(e) =>
                set(
                  "secrets",
                  form.secrets.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)),
                )
              }
              className="w-56 font-mono"
            />
            <Input
              aria-label={`Secret of secret ${i + 1}`}
              value={s.secret}
              onChange={(e) =>
                set(
                  "secrets",
                  form.secrets.map((x, j) => (j === i ? { ...x, secret: e.target.value } : x)),
                )
              }
              className="flex-1 font-mono"
            />
            <Input
              aria-label={`Version of secret ${i + 1}`}
              value={s.version}
              onChange={(e) =>
                set(
                  "secrets",
                  form.secrets.map((x, j) => (j === i ? { ...x, version: e.target.value } : x)),
                )
              }
              className="w-24 font-mono"
            />
            <Button
              type="button"
              variant="ghost"
              aria-label={`Remove secret ${i + 1}`}
              onClick={() =>
                set(
                  "secrets",
                  form.secrets.filter((_, j) => j !== i),
                )
              }
            >
              ✕
            </Button>
          </div>
        ))}
        {Object.entries(fieldErrors)
          .filter(([k]) => k.startsWith("secrets"))
          .map(([k, v]) => (
            <p key={k} className="text-xs text-red-600 dark:text-red-400">
              {k}: {v.join(" ")}
            </p>
          ))}
        <Button
          type="button"
          variant="secondary"
          onClick={() => set("secrets", [...form.secrets, { name: "", secret: "", version: "latest" }])}
        >
          Add secret
        </Button>
      </section>

      <section className="space-y-3">
        <h3 className="text-sm font-semibold">Traffic</h3>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="traffic" checked={form.traffic === "all"} onChange={() => set("traffic", "all")} />{" "}
          Send all traffic to the new revision
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name="traffic"
            checked={form.traffic === "tagged"}
            onChange={() => set("traffic", "tagged")}
          />{" "}
          No traffic yet: reach it at a tagged URL (blue/green)
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name="traffic"
            checked={form.traffic === "canary"}
            onChange={() => set("traffic", "canary")}
          />{" "}
          Canary release: {releaseSteps ?? "5 → 25 → 50 → 100 %"}, each step judged from its metrics, rolled back on its
          own
        </label>
        {form.traffic !== "all" && (
          <Field label={form.traffic === "canary" ? "Tag of the canary" : "Tag"} htmlFor="tag" error={err("tag")}>
            <Input
              id="tag"
              value={form.tag}
              onChange={(e) => set("tag", e.target.value.toLowerCase())}
              placeholder={form.traffic === "canary" ? "canary" : "green"}
              className="w-48"
            />
          </Field>
        )}
      </section>

      <section className="grid gap-4 sm:grid-cols-2">
        <Field label="Change reference (optional: commit or ticket)" htmlFor="changeRef" error={err("changeRef")}>
          <Input
            id="changeRef"
            value={form.changeRef}
            onChange={(e) => set("changeRef", e.target.value)}
            placeholder="PR-1234 or a1b2c3d"
          />
        </Field>
        <Field label="Link (optional)" htmlFor="changeUrl" error={err("changeUrl")}>
          <Input
            id="changeUrl"
            value={form.changeUrl}
            onChange={(e) => set("changeUrl", e.target.value)}
            placeholder="https://…"
          />
        </Field>
      </section>

      {result && !result.ok && <Notice tone="error">{result.error}</Notice>}
      <Button type="submit" disabled={pending} className="h-9 px-4">
        {pending ? "Deploying…" : form.traffic === "canary" ? "Deploy and start the release" : "Deploy"}
      </Button>
    </form>
  );
}

// The image registry: a folder of sample apps (emulator/images/<name>.mjs).
// Emulator choice: an image reference is matched by the name in its last path
// segment, whatever the registry host, repository path, tag or digest, so
// `europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-api:v7` and
// `gcr.io/p/pyplots-api@sha256:…` both run pyplots-api.mjs. Every tag of a
// known image exists; an unknown name is a missing image.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const DEFAULT_IMAGES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "images");

export type ImageRef = {
  /** The reference exactly as deployed. */
  ref: string;
  /** Last path segment without tag or digest: the app's name. */
  name: string;
  /** Tag, or `sha256:…` for a digest, or `latest`. */
  tag: string;
};

export type ResolvedImage = ImageRef & { entrypoint: string };

/** Splits a reference into name and tag; null when it is not a reference at all. */
export function parseImageRef(ref: string): ImageRef | null {
  const trimmed = ref.trim();
  if (!trimmed || /\s/.test(trimmed)) return null;
  let rest = trimmed;
  let tag = "latest";
  const at = rest.indexOf("@");
  if (at >= 0) {
    tag = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+:[a-f0-9]{6,}$/i.test(tag)) return null;
  }
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    if (at < 0) tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const name = rest.slice(lastSlash + 1);
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name) || !tag) return null;
  return { ref: trimmed, name, tag };
}

export class ImageRegistry {
  constructor(readonly dir: string = DEFAULT_IMAGES_DIR) {}

  /** Names of the images that exist. */
  list(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(".mjs"))
      .map((f) => f.slice(0, -".mjs".length))
      .sort();
  }

  resolve(ref: string): ResolvedImage | null {
    const parsed = parseImageRef(ref);
    if (!parsed) return null;
    const entrypoint = path.join(this.dir, `${parsed.name}.mjs`);
    return existsSync(entrypoint) ? { ...parsed, entrypoint } : null;
  }
}

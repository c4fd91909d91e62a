import { Badge, type Tone } from "@/components/ui/badge";

const TONES: Record<string, Tone> = { ENABLED: "green", DISABLED: "amber", DESTROYED: "neutral" };

/** A Secret Manager version state, e.g. ENABLED → a green "enabled". */
export function VersionBadge({ state }: { state: string }) {
  return <Badge tone={TONES[state] ?? "neutral"}>{state.toLowerCase()}</Badge>;
}

import { Badge, type Tone } from "@/components/ui/badge";

const tones: Record<string, Tone> = {
  success: "green",
  denied: "red",
  invalid: "amber",
  failed: "red",
  started: "sky",
};

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return <Badge tone={tones[outcome] ?? "neutral"}>{outcome}</Badge>;
}

import { describe, expect, it } from "vitest";
import { AXIS, contrastRatio, PALETTES, PANEL_BACKGROUND, seriesStyle } from "./chart-style";

describe("chart series styles", () => {
  it("computes WCAG contrast ratios", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#ffffff", "#ffffff")).toBe(1);
    // zinc-400 text on white, as axe reported it before the fix.
    expect(contrastRatio("#9f9fa9", "#ffffff")).toBeCloseTo(2.62, 2);
  });

  it.each(["light", "dark"] as const)(
    "keeps every %s-mode line at 3:1 against its panel, and axis text at 4.5:1",
    (theme) => {
      for (const color of PALETTES[theme])
        expect(contrastRatio(color, PANEL_BACKGROUND[theme]), color).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(AXIS[theme].text, PANEL_BACKGROUND[theme])).toBeGreaterThanOrEqual(4.5);
    },
  );

  it("tells the first seven series apart by dash and by marker, not by colour alone", () => {
    const styles = Array.from({ length: 7 }, (_, i) => seriesStyle(i, "light"));
    expect(new Set(styles.map((s) => s.dash)).size).toBe(7);
    expect(new Set(styles.map((s) => s.marker)).size).toBe(7);
    expect(styles[0].dash).toBe("");
  });
});

// How chart series look. Each series gets a colour, a dash pattern and a marker shape, so two
// revisions are told apart without colour; each colour keeps at least 3:1 (WCAG 1.4.11) against
// the panel it is drawn on, with one palette for light mode and one for dark.
import type { SymbolType } from "recharts";

/** Panel backgrounds the lines are drawn on: white (light) and zinc-900 (dark). */
export const PANEL_BACKGROUND = { light: "#ffffff", dark: "#18181b" } as const;

/** Tailwind indigo-600, amber-700, emerald-700, sky-700, rose-600, violet-600, lime-700, pink-600, teal-700. */
const LIGHT = ["#4f39f6", "#bb4d00", "#007a55", "#0069a8", "#ec003f", "#7f22fe", "#497d00", "#e60076", "#00786f"];
/** The same hues at 400 for dark panels. */
const DARK = ["#7c86ff", "#ffb900", "#00d492", "#00bcff", "#ff637e", "#a684ff", "#9ae600", "#fb64b6", "#00d5be"];
export const PALETTES = { light: LIGHT, dark: DARK } as const;

/** Solid first, then patterns that stay distinct at 1.5 px. */
const DASHES = ["", "6 3", "2 2", "10 3 2 3", "1 4", "12 5", "6 2 2 2 2 2"];
const MARKERS: SymbolType[] = ["circle", "square", "triangle", "diamond", "cross", "star", "wye"];

/** Axis text and grid lines: zinc-600 / zinc-400, at least 4.5:1 on their panel. */
export const AXIS = {
  light: { text: "#52525c", grid: "#a1a1aa" },
  dark: { text: "#9f9fa9", grid: "#52525c" },
} as const;

export type SeriesStyle = { color: string; dash: string; marker: SymbolType };

export function seriesStyle(index: number, theme: "light" | "dark"): SeriesStyle {
  const palette = PALETTES[theme];
  return {
    color: palette[index % palette.length],
    dash: DASHES[index % DASHES.length],
    marker: MARKERS[index % MARKERS.length],
  };
}

/** WCAG contrast ratio of two #rrggbb colours. */
export function contrastRatio(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5]
      .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

"use client";

import { Button } from "@/components/ui/button";
import { useTheme } from "@/components/ui/use-theme";

/** Flips between light and dark; the choice is remembered in localStorage (see THEME_SCRIPT). */
export function ThemeToggle() {
  const theme = useTheme();
  const toggle = () => {
    const dark = document.documentElement.classList.toggle("dark");
    localStorage.setItem("runway-theme", dark ? "dark" : "light");
  };
  return (
    <Button
      variant="ghost"
      onClick={toggle}
      aria-label="Dark mode"
      aria-pressed={theme === "dark"}
      title="Toggle dark mode"
      className="w-8 px-0"
    >
      <svg viewBox="0 0 20 20" fill="currentColor" className="size-4" aria-hidden>
        <path d="M10 2a8 8 0 1 0 8 8 6 6 0 0 1-8-8Z" />
      </svg>
    </Button>
  );
}

/** Runs before paint so the page never flashes the wrong theme. */
export const THEME_SCRIPT = `try{var t=localStorage.getItem("runway-theme");if(t==="dark"||(!t&&matchMedia("(prefers-color-scheme: dark)").matches))document.documentElement.classList.add("dark")}catch(e){}`;

import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";
import { cn } from "./cn";

const control =
  "h-8 rounded-md border border-zinc-500 bg-white px-2 text-sm text-zinc-900 placeholder:text-zinc-500 dark:border-zinc-500 dark:placeholder:text-zinc-400 dark:bg-zinc-900 dark:text-zinc-100";

export function Input({ className, ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return <input {...props} className={cn(control, className)} />;
}

export function Select({ className, ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} className={cn(control, "pr-7", className)} />;
}

export function Field({
  label,
  error,
  children,
  htmlFor,
}: {
  label: string;
  error?: string[];
  children: ReactNode;
  htmlFor?: string;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={htmlFor} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
        {label}
      </label>
      {children}
      {error?.map((e) => (
        <p key={e} className="text-xs text-red-600 dark:text-red-400">
          {e}
        </p>
      ))}
    </div>
  );
}

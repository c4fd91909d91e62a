import Link from "next/link";

export default function ServiceNotFound() {
  return (
    <div className="max-w-xl space-y-2">
      <h1 className="text-xl font-semibold">Service not found</h1>
      <p className="text-sm text-zinc-500 dark:text-zinc-400">
        It may have been deleted, or it is not in a project this portal covers.{" "}
        <Link href="/" className="text-indigo-600 underline underline-offset-2 dark:text-indigo-400">
          Back to the fleet
        </Link>
      </p>
    </div>
  );
}

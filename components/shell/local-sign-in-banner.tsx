// On a production server that offers local sign-in (AUTH_LOCAL_ENABLED=true),
// every page says so: anyone who reaches the portal can sign in as any role.
export function LocalSignInBanner({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <div
      role="alert"
      aria-label="Local sign-in warning"
      className="bg-red-700 px-4 py-1.5 text-center text-sm font-medium text-white"
    >
      Local sign-in is on (AUTH_LOCAL_ENABLED=true): anyone who reaches this portal can sign in as any role without a
      password.
    </div>
  );
}

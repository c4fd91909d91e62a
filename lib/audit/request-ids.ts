// Request ids in the audit trail are the portal's own. A client may send its
// own x-request-id (to find its call later); it is kept apart, and only when it
// is short printable ASCII, so no one can forge or collide the portal's ids or
// stuff the trail through that header.
const CLIENT_ID = /^[\x21-\x7e]{1,64}$/;

/** A client-sent request id worth keeping, or null. */
export function clientRequestId(value: string | null | undefined): string | null {
  const v = value?.trim();
  return v && CLIENT_ID.test(v) ? v : null;
}

/** The header the proxy moves a client's x-request-id to. */
export const CLIENT_REQUEST_ID_HEADER = "x-client-request-id";

// The fleet page has the portal's layout but not its loading skeleton: its
// first rows take one Google call, and React reveals a streamed boundary no
// sooner than 300 ms after the skeleton painted, so a skeleton made the rows
// later, not sooner. The HTML's first flush carries the rows instead.
export const dynamic = "force-dynamic";
export { default } from "../(portal)/layout";

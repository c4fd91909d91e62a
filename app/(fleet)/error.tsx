"use client";
// The portal's error boundary, for the fleet page (in a route group of its own; see layout.tsx).
export { default } from "../(portal)/error";

import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server that test/global-setup.ts started. */
    pgAdminUrl: string;
  }
}

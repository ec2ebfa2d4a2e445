// What the test kit's globalSetup hands to test files through vitest's inject().
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    redisUrl: string;
    redisPort: number;
  }
}

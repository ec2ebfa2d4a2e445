// drizzle-kit: the schema in src/schema, migrations checked in at the repository root.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: process.env.WAFLOW_MIGRATIONS_OUT ?? '../../migrations',
});

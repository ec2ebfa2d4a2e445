// `npm run dev`: hot reload on :5173 with /api proxied to the API (`npm start` on :3000).
// `npm run build`: the production build in dist/, which `npm start` serves.
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    proxy: {
      '/api': { target: process.env.WAFLOW_API ?? 'http://127.0.0.1:3000', changeOrigin: false },
    },
    fs: { allow: ['../..'] },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});

import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

const backend = process.env.CLASSCHAT_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    // Workspace packages (@classchat/contracts) are consumed from their TypeScript sources.
    conditions: ['@classchat/source', ...defaultClientConditions],
  },
  // The proxy keeps the browser's Host header: the api accepts a page's requests and sockets only
  // from the origin they were addressed to, which through the proxy is the dev server's.
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend },
      '/socket.io': { target: backend, ws: true },
    },
  },
  preview: {
    port: 4173,
    proxy: {
      '/api': { target: backend },
      '/socket.io': { target: backend, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
  },
});

import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The hub serves dist/ at `/` and the API and Socket.IO on the same origin; `npm run dev -w @sentral/web-agent`
// proxies them to a hub on port 3000.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1000 },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});

import { defineConfig } from 'vite';

// The chat itself, fetched by the loader on idle, hover or click; it carries its own Socket.IO client.
export default defineConfig({
  // Always the production build of dependencies (Socket.IO's without its debug logging), even when a test runner
  // with NODE_ENV=test starts the build.
  mode: 'production',
  resolve: { conditions: ['module', 'browser', 'production'] },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    minify: true,
    target: 'es2019',
    lib: { entry: 'src/chat.ts', formats: ['iife'], name: 'SentralWidgetChat', fileName: () => 'chat.js' },
  },
});

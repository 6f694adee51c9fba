import { defineConfig } from 'vite';

// The loader is the one script a site embeds: a classic script (IIFE), small enough to load on every page.
export default defineConfig({
  // Always the production build of dependencies (Socket.IO's without its debug logging), even when a test runner
  // with NODE_ENV=test starts the build.
  mode: 'production',
  resolve: { conditions: ['module', 'browser', 'production'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    minify: true,
    target: 'es2019',
    lib: { entry: 'src/loader.ts', formats: ['iife'], name: 'SentralWidgetLoader', fileName: () => 'widget.js' },
  },
});

import { defineConfig } from 'vite';

// The chat itself, fetched by the loader on idle, hover or click; it carries its own Socket.IO client.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    minify: true,
    target: 'es2019',
    lib: { entry: 'src/chat.ts', formats: ['iife'], name: 'SentralWidgetChat', fileName: () => 'chat.js' },
  },
});

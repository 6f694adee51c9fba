import { defineConfig } from 'vite';

// The loader is the one script a site embeds: a classic script (IIFE), small enough to load on every page.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    minify: true,
    target: 'es2019',
    lib: { entry: 'src/loader.ts', formats: ['iife'], name: 'SentralWidgetLoader', fileName: () => 'widget.js' },
  },
});

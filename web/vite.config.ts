import { defineConfig } from 'vite';

// `base: './'` makes dist/ relocatable: the site works from any sub-path (GitHub Pages
// serves it from /<repo>/). The worker is an ES module so it can import the Embind glue.
export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', assetsInlineLimit: 0, reportCompressedSize: false },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 5173, strictPort: true },
});

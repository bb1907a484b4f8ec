import { defineConfig, type Plugin } from 'vite';

// The Content-Security-Policy the built site ships (issue 12 item 10), as a <meta> in index.html so
// it holds on any static host. 'wasm-unsafe-eval' lets the worker compile the wasm module; nothing
// else may evaluate code, and there is no inline script or style. img-src allows data: and blob:
// for the PNG export. Only the build gets it: the dev server injects inline styles for HMR.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "worker-src 'self'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'esti-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: {
          'http-equiv': 'Content-Security-Policy',
          // ESTI_CSP_OVERRIDE: only to check that the e2e suite catches violations (a build with a
          // stricter policy must fail it); never set for a real build.
          content: process.env.ESTI_CSP_OVERRIDE ?? CONTENT_SECURITY_POLICY,
        },
        injectTo: 'head-prepend',
      },
    ],
  };
}

// `base: './'` makes dist/ relocatable: the site works from any sub-path (GitHub Pages
// serves it from /<repo>/). The worker is an ES module so it can import the Embind glue.
export default defineConfig({
  base: './',
  plugins: [contentSecurityPolicy()],
  worker: { format: 'es' },
  build: { target: 'es2022', assetsInlineLimit: 0, reportCompressedSize: false },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  // `vite preview` (the e2e suite's server) also sends the policy as a header: a <meta> policy
  // binds only the document, while the header also binds the worker that compiles the wasm.
  preview: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    headers: { 'Content-Security-Policy': process.env.ESTI_CSP_OVERRIDE ?? CONTENT_SECURITY_POLICY },
  },
});

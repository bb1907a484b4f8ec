// Writes the share-link fuzz seeds: real links made the way the page makes them (web/src/link.ts:
// CompressionStream('deflate-raw') + base64url), one per scenario preset, a two-scenario link with
// a view, and model-only links; fuzz/seeds/share_link/ gets the fragments, fuzz/seeds/inflate/ the
// raw DEFLATE bytes. Run with `node fuzz/make_link_seeds.mjs` after presets change.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const deflate = async (text) => {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
};
const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

const texts = [];
const dir = new URL('presets/scenarios/', root);
for (const f of readdirSync(dir).sort()) texts.push([f.replace(/\.json$/, ''), JSON.stringify(JSON.parse(readFileSync(new URL(f, dir), 'utf8')))]);
for (const f of readdirSync(new URL('presets/models/', root)).sort()) {
  texts.push([`model-${f.replace(/\.json$/, '')}`, JSON.stringify({ model: f.replace(/\.json$/, '') })]);
}

mkdirSync(new URL('fuzz/seeds/share_link/', root), { recursive: true });
mkdirSync(new URL('fuzz/seeds/inflate/', root), { recursive: true });
const parts = [];
for (const [name, text] of texts) {
  const raw = await deflate(text);
  parts.push(b64url(raw));
  writeFileSync(new URL(`fuzz/seeds/inflate/${name}.deflate`, root), raw);
  writeFileSync(new URL(`fuzz/seeds/share_link/${name}.txt`, root), `#v=1&s=${b64url(raw)}`);
}
writeFileSync(new URL('fuzz/seeds/share_link/compare-view.txt', root), `#v=1&s=${parts[0]}&b=${parts[1]}&view=compare`);
console.log(`${texts.length + 1} links, ${texts.length} raw streams`);

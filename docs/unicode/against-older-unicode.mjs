// Which code points the server's upper case (the shipped Unicode 17.0 mapping) answers otherwise than an older
// Unicode's full upper case, as Python's str.upper() computes it from that version's UnicodeData and SpecialCasing
// (unconditional entries; a character with neither is its own upper case). The older data comes from the npm packages
// @unicode/unicode-X.Y.0, which hold the UCD's case mappings. Python 3.11 knows Unicode 14.0, 3.12 15.0, 3.13 15.1.
//
//   mkdir ucd && cd ucd && npm pack @unicode/unicode-14.0.0 @unicode/unicode-15.0.0 @unicode/unicode-15.1.0
//   for v in 14.0.0 15.0.0 15.1.0; do mkdir $v && tar -xzf unicode-unicode-$v-*.tgz -C $v; done
//   node docs/unicode/against-older-unicode.mjs ucd shared-codec/src/main/resources/dev/uppercase/codec/uppercase-mapping.txt
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [ucd, shipped] = process.argv.slice(2);
const ours = new Map();
for (const line of readFileSync(shipped, 'ascii').split('\n')) {
  if (!line || line.startsWith('#')) continue;
  const [from, to] = line.split(';');
  ours.set(parseInt(from, 16), String.fromCodePoint(...to.split(' ').map(h => parseInt(h, 16))));
}
const hex = s => [...s].map(c => 'U+' + c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')).join(' ');
for (const version of ['14.0.0', '15.0.0', '15.1.0']) {
  const pkg = resolve(ucd, version, 'package');
  const special = (await import(resolve(pkg, 'Special_Casing/Uppercase/code-points.mjs'))).default;
  const simple = (await import(resolve(pkg, 'Simple_Case_Mapping/Uppercase/code-points.mjs'))).default;
  const theirs = cp => {
    const s = special.get(cp);
    if (s !== undefined) return typeof s === 'string' ? s : String.fromCodePoint(...s);
    const u = simple.get(cp);
    return u === undefined ? String.fromCodePoint(cp) : String.fromCodePoint(u);
  };
  const differ = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const mine = ours.get(cp) ?? String.fromCodePoint(cp);
    if (mine !== theirs(cp)) differ.push(`U+${cp.toString(16).toUpperCase().padStart(4, '0')}: ${hex(mine)} (Unicode ${version}: ${hex(theirs(cp))})`);
  }
  console.log(`Unicode ${version}: ${differ.length} code points differ`);
  for (const d of differ) console.log('  ' + d);
}

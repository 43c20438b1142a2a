// Placeholder demo (the lead replaces it). Imports the *built* package, so it
// runs with plain Node after `pnpm build`: `pnpm run demo` at the root.
import * as core from '@quiesce/core-devres';

const names = Object.keys(core).sort();
console.log(`@quiesce/core-devres exports ${names.length} name(s):`);
for (const name of names) console.log(`  ${name}`);

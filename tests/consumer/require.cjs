// A CommonJS consumer (what `npm init -y` writes now): require() every public
// package. Works on a Node with require(esm) (20.19+, 22.12+): the packages
// are ESM only and their exports map has a `default` condition.
const core = require('@quiesce/core-devres');
const names = ['pci-emu', 'hrtimer', 'workqueue', 'miscdev', 'module-loader', 'explorer'];
const loaded = names.map((n) => [n, require(`@quiesce/${n}`)]);
const toy = require('@quiesce/explorer/scenarios/toy.mjs');

const k = new core.Kernel();
k.exec('user', () => {
  throw new core.KernelError('ENODEV', 'smoke');
}).then(
  () => console.log('require: exec did not throw'),
  (e) => {
    const counts = loaded.map(([n, m]) => `${n} ${typeof m === 'object' && Object.keys(m).length > 0}`).join(', ');
    console.log(`require: core ${typeof core.Kernel}, ${counts}; toy ${toy.buggy.expect}; errno ${e.errno}`);
  },
);

// The page: the engine (src/engine/, Web Workers) behind the controller and
// views of src/ui/. See docs/playground.md.
import { createEngine } from './engine/index.js';
import { Playground } from './ui/app.js';
import { downloadText, startPage } from './ui/mount.js';
import { hashOf, selectionFromHash } from './ui/state.js';
import './ui/style.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app');

const engine = createEngine();
const app = new Playground(
  engine,
  {
    download: (name, text) => downloadText(document, name, text),
    workers: navigator.hardwareConcurrency || 1,
  },
  selectionFromHash(location.hash, engine.catalogue()),
);
startPage(root, app, document, document.getElementById('announce'));
// The address follows the form, so a copied link opens the same scenario.
app.subscribe(() => {
  const hash = hashOf(app.state.selection);
  if (hash !== location.hash) history.replaceState(null, '', hash);
});

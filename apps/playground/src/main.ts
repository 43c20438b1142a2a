// The page: the engine (src/engine/, Web Workers) behind the controller and
// views of src/ui/. See docs/playground.md.
import { createEngine } from './engine/index.js';
import { Playground } from './ui/app.js';
import { downloadText, startPage } from './ui/mount.js';
import { selectionFromHash } from './ui/state.js';
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
startPage(root, app, document);

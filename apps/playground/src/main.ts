// Placeholder entry so the scaffold builds; the UI side (src/ui/) replaces it.
const app = document.getElementById('app');
if (app) app.textContent = 'quiesce playground';

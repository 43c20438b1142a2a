/**
 * Binds the controller to a document: renders the view into the root on every
 * state change (at most once per animation frame), and keeps what a full
 * re-render would lose — focus (by element id), open `<details>`, the step
 * list's scroll position.
 */
import type { Playground } from './app.js';
import { mount } from './dom.js';
import { verdictText } from './result.js';
import { renderApp, type ViewHost } from './view.js';

/** Saves text as a download (a Blob URL on an `<a download>`). Context: browser main thread. */
export function downloadText(doc: Document, name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // The click has started the download synchronously; revoke on the next turn.
  queueMicrotask(() => URL.revokeObjectURL(url));
}

function usable(el: Element | null): el is HTMLElement {
  return !!el && !(el as HTMLButtonElement).disabled && (el as HTMLElement).closest('fieldset[disabled]') === null;
}

/**
 * Renders `app` into `root` now and after every change. When `announce` (a
 * live region outside `root`) is given, each new verdict is written to it,
 * so a screen reader hears how a run ended wherever focus is.
 *
 * Returns: a function that stops re-rendering.
 */
export function startPage(
  root: HTMLElement,
  app: Playground,
  doc: Document,
  announce: HTMLElement | null = null,
): () => void {
  let pending = false;
  let announced = 0;
  let wanted: string | null = null;

  const host: ViewHost = {
    openFile(file) {
      void file.text().then((text) => app.openReplayText(text));
    },
    focus(id) {
      wanted = id;
      doc.getElementById(id)?.focus();
    },
  };

  const render = (): void => {
    pending = false;
    const active = doc.activeElement as HTMLElement | null;
    const focusId = wanted ?? (active && root.contains(active) ? active.id : '');
    wanted = null;
    const open = new Set([...root.querySelectorAll('details[open]')].map((d) => d.closest('[id]')?.id ?? ''));
    const stepList = doc.getElementById('step-list');
    const stepScroll = stepList?.scrollTop ?? 0;

    root.replaceChildren(mount(renderApp(app, host), doc));
    const r = app.state.result;
    if (announce && r && !app.state.running && app.state.runs !== announced) {
      announced = app.state.runs;
      announce.textContent = verdictText(r);
    }

    for (const d of root.querySelectorAll('details')) if (open.has(d.closest('[id]')?.id ?? '')) d.open = true;
    const list = doc.getElementById('step-list');
    if (list) {
      list.scrollTop = stepScroll;
      const li = doc.getElementById(`step-${app.state.step}`);
      // Scroll the list only: scrollIntoView would scroll the page too, away
      // from the timeline a click or a key was just given to.
      if (li) {
        const top = li.offsetTop;
        if (top < list.scrollTop) list.scrollTop = top;
        else if (top + li.offsetHeight > list.scrollTop + list.clientHeight) {
          list.scrollTop = top + li.offsetHeight - list.clientHeight;
        }
      }
    }
    if (focusId) {
      const el = doc.getElementById(focusId);
      // A control the new state disabled (Run while running, Cancel after)
      // hands focus to the one that now matters.
      const fallback = app.state.running ? 'cancel' : app.state.result ? 'verdict' : 'run';
      const target = usable(el) ? el : doc.getElementById(fallback);
      target?.focus({ preventScroll: target === el });
    }
  };

  const schedule = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(render);
  };

  render();
  return app.subscribe(schedule);
}

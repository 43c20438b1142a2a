import { describe, expect, it } from 'vitest';
import { byAttr, findAll, h, textOf } from '../../src/ui/dom.js';

describe('h()', () => {
  it('renders true as an empty attribute and drops false, null and undefined', () => {
    const v = h('button', { disabled: true, hidden: false, title: null, 'aria-label': undefined, tabindex: 0 });
    expect(v.attrs).toEqual({ disabled: '', tabindex: '0' });
  });

  it('turns on<event> functions into listeners and flattens nested children', () => {
    const click = (): void => {};
    const v = h('div', { onclick: click }, 'a', [h('b', null, 'b'), [null, false, 3]], undefined);
    expect(v.on).toEqual({ click });
    expect(v.children).toHaveLength(3);
    expect(textOf(v)).toBe('ab3');
  });

  it('names the prop in a TypeError when a function is not a listener', () => {
    expect(() => h('div', { title: () => {} })).toThrow(/prop title of <div>/);
  });

  it('puts the timeline tags in the SVG namespace', () => {
    const v = h('svg', null, h('g', null, h('rect')), h('div'));
    expect(findAll(v, (n) => n.ns === 'svg').map((n) => n.tag)).toEqual(['svg', 'g', 'rect']);
    expect(byAttr(h('p', null, h('i', { 'data-x': '1' })), 'data-x')?.tag).toBe('i');
  });
});

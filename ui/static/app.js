// Scroll the document viewer to the cited passage whenever it is rendered and shown (its tab may
// become visible a moment after its content arrives).
(() => {
  const seen = new WeakSet();
  const scroll = (tries = 20) => {
    const target = document.querySelector('#document-viewer .scroll-target');
    if (!target || seen.has(target)) return;
    if (target.getClientRects().length === 0) {
      if (tries > 0) setTimeout(() => scroll(tries - 1), 100);
      return;
    }
    seen.add(target);
    target.scrollIntoView({block: 'center'});
  };
  new MutationObserver(() => scroll()).observe(document.documentElement, {childList: true, subtree: true});
})();

// An example question: put it in the question box and send it with the Ask button, the same
// event a typed question uses (Svelte reads the box on its `input` event).
document.addEventListener('click', (event) => {
  const example = event.target instanceof Element ? event.target.closest('.example-question') : null;
  const box = document.querySelector('#question textarea');
  if (!example || !box) return;
  box.value = (example.textContent || '').trim();
  box.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(() => document.querySelector('#ask')?.click(), 50);
});

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

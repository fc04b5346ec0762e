// <html lang> follows the title's, which changes with the language of the question (ui/page_lang.py
// sets the first one and gives Gradio's own texts the UI language).
(() => {
  const lang = typeof UI_LANG === 'string' ? UI_LANG : 'nb';
  const follow = () => {
    const title = document.querySelector('#page-title [lang]');
    const wanted = title ? title.getAttribute('lang') : lang;
    if (document.documentElement.lang !== wanted) document.documentElement.lang = wanted;
  };
  follow();
  new MutationObserver(follow).observe(document.documentElement, {childList: true, subtree: true, attributes: true, attributeFilter: ['lang']});
})();

// Scroll a document viewer (the chat's, the Overview's) to the marked passage whenever it is
// rendered and shown (its tab may become visible a moment after its content arrives).
(() => {
  const seen = new WeakSet();
  const scroll = (tries = 20) => {
    const pending = [...document.querySelectorAll('#document-viewer .scroll-target, #overview-document .scroll-target')]
      .filter((target) => !seen.has(target));
    let hidden = false;
    for (const target of pending) {
      if (target.getClientRects().length === 0) {
        hidden = true;
        continue;
      }
      seen.add(target);
      target.scrollIntoView({block: 'center'});
    }
    if (hidden && tries > 0) setTimeout(() => scroll(tries - 1), 100);
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

// A citation marker in the latest answer opens its source at the passage: it picks the matching
// entry of the source list, whose own event loads the document. Older answers' markers only
// preview their quote (their title), since the source list belongs to the latest answer.
document.addEventListener('click', (event) => {
  const marker = event.target instanceof Element ? event.target.closest('#chat button.cite') : null;
  if (!marker) return;
  const answers = document.querySelectorAll('#chat .bot');
  if (!answers.length || !answers[answers.length - 1].contains(marker)) return;
  const entry = [...document.querySelectorAll('#source-pick label')]
    .find((label) => label.textContent.trim().startsWith(`[${marker.value}]`));
  if (!entry) return;
  const panel = document.querySelector('#source-panel');
  if (panel && !panel.querySelector('#source-pick')?.getClientRects().length) {
    panel.querySelector('button')?.click();  // unfold the sources first
  }
  entry.click();
  if (window.matchMedia('(max-width: 768px)').matches) panel?.scrollIntoView({block: 'start'});
});

// A message's copy button gives plain text: for an answer the text its message keeps hidden
// (the answer, then each source as "[n] title (file): «quote»"), otherwise the text as shown.
// Gradio's own button would copy the message's markup, so its click stops here (capture phase).
window.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('#chat .message-buttons button') : null;
  const message = button?.closest('.message-buttons')?.previousElementSibling;
  if (!button || !message) return;
  event.stopPropagation();
  event.preventDefault();
  const plain = message.querySelector('.plain')?.textContent ?? message.innerText;
  navigator.clipboard?.writeText(plain.trim()).then(() => {
    button.setAttribute('data-copied', 'true');
    setTimeout(() => button.removeAttribute('data-copied'), 1500);
  });
}, true);

// Scroll boxes are reachable by keyboard and named after their tab; the source list is named by
// its label (Gradio leaves both unnamed).
(() => {
  const boxes = {'#sources': 0, '#document-viewer': 1, '#overview-document': 1};
  const fix = () => {
    const tabs = document.querySelectorAll('#side-tabs button[role="tab"]');
    for (const [selector, tab] of Object.entries(boxes)) {
      const box = document.querySelector(selector);
      const name = tabs[tab]?.textContent.trim();
      if (box && name && box.getAttribute('aria-label') !== name) {
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'region');
        box.setAttribute('aria-label', name);
      }
    }
    const group = document.querySelector('#source-pick');
    const label = document.querySelector('#source-pick [data-testid="block-info"]');
    const name = label?.textContent.trim();
    if (group && name && group.getAttribute('aria-label') !== name) {
      group.setAttribute('aria-label', name);
    }
  };
  new MutationObserver(fix).observe(document.documentElement, {childList: true, subtree: true});
})();

// Read aloud: an extra for residents whose browser can speak (see read_aloud in issue 8).
// Where JavaScript runs and the browser has speech synthesis, a button at the top of <main> reads the
// page aloud with the phone's own voices: on a question page the question, its hint, any error and
// each choice (of a drop-down list, the one chosen: the others are not on the screen); on other pages the
// heading and the text. Each part is spoken in the language of its nearest lang attribute; a part in a
// language the phone has no voice of its own for is not read, and a note under the button says so. Without speech synthesis the page is left exactly as the server sent it.
// No inline script, no inline handler, no eval: a Content-Security-Policy of script-src 'self' allows it.
(function () {
  'use strict';

  if (!('speechSynthesis' in window && 'SpeechSynthesisUtterance' in window)) return;

  const script = document.currentScript || document.querySelector('script[data-read]');
  const READ = (script && script.getAttribute('data-read')) || 'Read aloud';
  const STOP = (script && script.getAttribute('data-stop')) || 'Stop reading';
  const NO_VOICE = (script && script.getAttribute('data-no-voice')) ||
    'This phone has no voice of its own for some of this page, so that part is not read aloud.';

  // Never read: controls and navigation around the content, furigana (the base text is read once),
  // and the error summary, whose messages are read next to their questions.
  const SKIP = 'script, style, template, noscript, svg, rt, rp, input, textarea, button, ' +
    '.read-aloud, .back, .step, .button, .error-summary, .change-link';
  // Inline elements continue the sentence around them; any other element is a part of its own.
  const INLINE = /^(A|ABBR|B|BDI|BDO|CITE|CODE|DATA|DFN|EM|I|KBD|MARK|Q|RB|RUBY|S|SMALL|SPAN|STRONG|SUB|SUP|TIME|U|WBR)$/;
  // Speech engines know regions better than scripts.
  const SPEECH_LANG = {'zh-hans': 'zh-CN', 'zh-hant': 'zh-TW'};

  function hidden(element) {
    if (element.hidden || element.getAttribute('aria-hidden') === 'true') return true;
    const style = window.getComputedStyle(element);
    return style.display === 'none' || style.visibility === 'hidden';
  }

  function langOf(element) {
    const holder = element.closest('[lang]');
    return (holder && holder.getAttribute('lang')) || 'ja';
  }

  // The page as a list of {text, lang}, in reading order: one item per block, split where the language changes.
  function partsOf(root) {
    const parts = [];
    let block = [];

    function flush() {
      let current = null;
      for (const piece of block) {
        if (current && current.lang === piece.lang) {
          current.text += piece.text;
        } else {
          current = {text: piece.text, lang: piece.lang};
          parts.push(current);
        }
      }
      block = [];
    }

    function walk(node) {
      if (node.nodeType === Node.TEXT_NODE) {
        block.push({text: node.nodeValue, lang: langOf(node.parentNode)});
        return;
      }
      if (node.nodeType !== Node.ELEMENT_NODE || node.matches(SKIP) || hidden(node)) return;
      const inline = INLINE.test(node.tagName);
      if (!inline) flush();
      if (node.tagName === 'SELECT') {
        // The choice shown, as the screen shows it; nothing while it is the placeholder ("Choose one").
        for (const option of node.selectedOptions) {
          if (option.value !== '') walk(option);
        }
      } else {
        for (const child of node.childNodes) walk(child);
      }
      if (!inline) flush();
    }

    walk(root);
    return parts
      .map((part) => ({text: part.text.replace(/\s+/g, ' ').trim(), lang: part.lang}))
      .filter((part) => part.text !== '');
  }

  // The phone's own voice for the language. A network voice would send the text (on the check page,
  // the resident's answers) to an outside service, so none is ever chosen: where the browser lists
  // voices but none of its own for a language, that part is not read. Where it lists none (yet),
  // the browser's default is used, which on phones is their own.
  function voiceFor(lang) {
    const want = lang.toLowerCase();
    const primary = want.split('-')[0];
    const voices = window.speechSynthesis.getVoices();
    const local = voices.filter((voice) => voice.localService);
    const same = (voice) => voice.lang.toLowerCase().replace(/_/g, '-');
    const voice = local.find((v) => same(v) === want) || local.find((v) => same(v).split('-')[0] === primary);
    return {voice: voice || null, allowed: Boolean(voice) || voices.length === 0};
  }

  const main = document.querySelector('main');
  if (!main) return;

  const SVG = 'http://www.w3.org/2000/svg';
  const SPEAKER = 'M3 9h4l5-5v16l-5-5H3z';
  const WAVES = 'M15.5 8.5a5 5 0 0 1 0 7M18.5 5.5a9 9 0 0 1 0 13';
  const SQUARE = 'M6 6h12v12H6z';

  // The page holds an empty place for the button (base.html), kept open by the stylesheet where
  // scripts run, so nothing below moves when it appears; a page without one gets it added.
  const placed = main.querySelector('.read-aloud');
  const bar = placed || document.createElement('div');
  bar.className = 'read-aloud';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button button--secondary read-aloud-button';
  // A speaker (a square while speaking): a picture for those who read little, hidden from screen readers.
  const glyph = document.createElementNS(SVG, 'svg');
  glyph.setAttribute('class', 'read-aloud-glyph');
  glyph.setAttribute('viewBox', '0 0 24 24');
  glyph.setAttribute('aria-hidden', 'true');
  glyph.setAttribute('focusable', 'false');
  const body = document.createElementNS(SVG, 'path');
  const waves = document.createElementNS(SVG, 'path');
  waves.setAttribute('class', 'read-aloud-waves');
  glyph.appendChild(body);
  glyph.appendChild(waves);
  const label = document.createElement('span');
  button.appendChild(glyph);
  button.appendChild(label);
  bar.appendChild(button);
  // Said when a part was left unread for want of a voice (never silently): a status, read out as it comes.
  const note = document.createElement('p');
  note.className = 'read-aloud-note';
  note.setAttribute('role', 'status');
  bar.appendChild(note);

  // While speaking, the visible label becomes "Stop reading" (no aria-pressed): residents must see
  // what pressing will do, and a toggle button's label must not change (WAI-ARIA practices), so the
  // name alone carries the state. Screen readers announce the new name of the focused button, and
  // "Stop reading, button" says more than "Read aloud, toggle button, pressed".
  let speaking = false;
  let run = 0;           // which reading the speech events belong to; a cancelled one's are ignored
  let utterances = [];   // held, so that Chrome does not collect them before they end

  function show(on) {
    speaking = on;
    label.textContent = on ? STOP : READ;
    body.setAttribute('d', on ? SQUARE : SPEAKER);
    waves.setAttribute('d', on ? '' : WAVES);
  }

  function stop() {
    run += 1;
    utterances = [];
    window.speechSynthesis.cancel();
    show(false);
  }

  function read() {
    const parts = partsOf(main);
    stop();
    const mine = run;
    const finished = () => {
      if (mine === run) show(false);
    };
    utterances = [];
    let unread = 0;
    for (const part of parts) {
      const utterance = new window.SpeechSynthesisUtterance(part.text);
      utterance.lang = SPEECH_LANG[part.lang.toLowerCase()] || part.lang;
      const found = voiceFor(utterance.lang);
      if (!found.allowed) {
        unread += 1;
        continue;
      }
      if (found.voice) utterance.voice = found.voice;
      utterances.push(utterance);
    }
    note.textContent = unread ? NO_VOICE : '';
    if (!utterances.length) return;
    const last = utterances[utterances.length - 1];
    last.addEventListener('end', finished);
    last.addEventListener('error', finished);
    show(true);
    for (const utterance of utterances) window.speechSynthesis.speak(utterance);
  }

  button.addEventListener('click', () => {
    if (speaking) stop();
    else read();
  });
  window.addEventListener('pagehide', () => {
    if (speaking) stop();
  });

  show(false);
  // The same place on every page: first in <main>, after the Back link when there is one.
  if (!placed) {
    const back = main.firstElementChild && main.firstElementChild.matches('.back') ? main.firstElementChild : null;
    main.insertBefore(bar, back ? back.nextSibling : main.firstChild);
  }
})();

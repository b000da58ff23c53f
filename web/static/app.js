// lexval web UI: progressive enhancement only. Every form works without this
// file (the server renders the result); with it, forms check JSON syntax
// locally, locating the fault by line and column, then validate without
// reloading. Results from the JSON API are rendered with the same markup as
// templates/partials.html.
'use strict';

(function () {
  // ---- small DOM helpers --------------------------------------------------

  function h(tag, className, ...children) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    for (const c of children) {
      if (c !== null && c !== undefined && c !== false) e.append(c);
    }
    return e;
  }

  function code(text, className) {
    return h('code', className, text);
  }

  // nsidCode writes an NSID that may wrap at its dots, as the "nsid"
  // template does.
  function nsidCode(nsid) {
    const c = h('code', null);
    nsid.split('.').forEach((part, i) => {
      if (i > 0) c.append('.', document.createElement('wbr'));
      c.append(part);
    });
    return c;
  }

  function plural(n, one, many) {
    return n === 1 ? '1 ' + one : n + ' ' + many;
  }

  function pointer(p) {
    return p === '' ? '(whole value)' : p;
  }

  function announce(text) {
    const live = document.getElementById('announce');
    if (!live) return;
    live.textContent = '';
    // A fresh text node makes screen readers speak repeated messages too.
    window.setTimeout(() => { live.textContent = text; }, 50);
  }

  // ---- JSON syntax errors with line and column ----------------------------

  // checkJSON returns null when text is JSON, else {offset, line, column,
  // message}. JSON.parse decides; its messages differ between browsers and
  // often give no position, so a small scanner locates and words the fault.
  function checkJSON(text) {
    try {
      JSON.parse(text);
      return null;
    } catch (err) {
      let found = null;
      try {
        found = scanJSON(text);
      } catch (e) {
        found = null; // too deeply nested for the scanner; use the browser's message
      }
      if (!found) found = { offset: -1, message: String(err.message || err) };
      if (found.offset >= 0) Object.assign(found, lineColumn(text, found.offset));
      return found;
    }
  }

  function lineColumn(text, offset) {
    let line = 1;
    let column = 1;
    for (const ch of text.slice(0, offset)) {
      if (ch === '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return { line, column };
  }

  function describe(ch) {
    if (ch === undefined) return 'the end of the text';
    if (ch === '\n') return 'a line break';
    if (ch < ' ') return 'a control character';
    return "'" + ch + "'";
  }

  // scanJSON walks text as RFC 8259 JSON and returns {offset, message} for
  // the first fault, or null.
  function scanJSON(s) {
    let i = 0;
    let faultLength = 1;
    const number = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

    function Fault(message, at) {
      this.message = message;
      this.offset = at === undefined ? i : at;
    }
    function fail(message, at) {
      throw new Fault(message, at);
    }
    function ws() {
      while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
    }
    function value() {
      ws();
      const c = s[i];
      if (c === '{') return object();
      if (c === '[') return array();
      if (c === '"') return string();
      if (c === '-' || (c >= '0' && c <= '9')) {
        number.lastIndex = i;
        const m = number.exec(s);
        if (!m) fail('invalid number');
        i += m[0].length;
        return;
      }
      for (const lit of ['true', 'false', 'null']) {
        if (s.startsWith(lit, i)) {
          i += lit.length;
          return;
        }
      }
      if (c === undefined) fail('the text ends where a value should be');
      if (c === "'") fail('strings must be in double quotes');
      const word = /[A-Za-z_][A-Za-z0-9_]*/y;
      word.lastIndex = i;
      const m = word.exec(s);
      if (m) {
        faultLength = m[0].length;
        fail("expected a value, found '" + m[0] + "' (strings need double quotes)");
      }
      fail('expected a value, found ' + describe(c));
    }
    function object() {
      i++;
      ws();
      if (s[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (s[i] !== '"') {
          if (s[i] === undefined) fail('the text ends inside an object: a } is missing');
          if (s[i] === '}') fail("JSON allows no comma before '}'", lastComma);
          if (s[i] === "'") fail('property names must be in double quotes');
          fail('expected a property name in double quotes, found ' + describe(s[i]));
        }
        string();
        ws();
        if (s[i] !== ':') fail("expected ':' after the property name, found " + describe(s[i]));
        i++;
        value();
        ws();
        if (s[i] === ',') {
          lastComma = i;
          i++;
          continue;
        }
        if (s[i] === '}') {
          i++;
          return;
        }
        if (s[i] === undefined) fail('the text ends inside an object: a } is missing');
        fail("expected ',' or '}' after a property value, found " + describe(s[i]) + (s[i] === '"' ? ' (is a comma missing?)' : ''));
      }
    }
    let lastComma = -1;
    function array() {
      i++;
      ws();
      if (s[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (s[i] === ']') fail("JSON allows no comma before ']'", lastComma);
        value();
        ws();
        if (s[i] === ',') {
          lastComma = i;
          i++;
          continue;
        }
        if (s[i] === ']') {
          i++;
          return;
        }
        if (s[i] === undefined) fail('the text ends inside an array: a ] is missing');
        fail("expected ',' or ']' after an array element, found " + describe(s[i]) + (s[i] === '"' || s[i] === '{' ? ' (is a comma missing?)' : ''));
      }
    }
    function string() {
      const start = i;
      i++;
      while (i < s.length) {
        const c = s[i];
        if (c === '"') {
          i++;
          return;
        }
        if (c === '\\') {
          const e = s[i + 1];
          if (e !== undefined && '"\\/bfnrt'.includes(e)) {
            i += 2;
            continue;
          }
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
            i += 6;
            continue;
          }
          fail('invalid escape sequence in a string');
        }
        if (c === '\n') fail('the string is not closed before the end of the line', start);
        if (c < ' ') fail('control characters in strings must be escaped');
        i++;
      }
      fail('the string is not closed', start);
    }

    try {
      value();
      ws();
      if (i < s.length) fail('unexpected ' + describe(s[i]) + ' after the JSON value');
      return null;
    } catch (e) {
      if (e instanceof Fault) return { offset: e.offset, length: faultLength, message: e.message };
      throw e;
    }
  }

  // tokenLength is how much of text to select for a fault at offset: a whole
  // string (a duplicate key), a \u escape, or one character.
  function tokenLength(text, offset) {
    if (text[offset] === '"') {
      for (let j = offset + 1; j < text.length && text[j] !== '\n'; j++) {
        if (text[j] === '\\') j++;
        else if (text[j] === '"') return j + 1 - offset;
      }
    }
    if (text.startsWith('\\u', offset)) return 6;
    return 1;
  }

  // markJSONFault marks the textarea invalid and selects the offending text,
  // keeping the field's label in view: focusing and selecting would
  // otherwise scroll the page to the caret, and the label off the top.
  function markJSONFault(textarea, fault) {
    textarea.setAttribute('aria-invalid', 'true');
    describedBy(textarea, 'problem', true);
    if (fault.offset >= 0) {
      const end = Math.min(fault.offset + (fault.length || 1), textarea.value.length);
      selectRange(textarea, fault.offset, Math.max(end, fault.offset));
      return;
    }
    textarea.focus({ preventScroll: true });
    revealField(textarea);
  }

  // revealField scrolls so that the field's label is in view and, as far as
  // the label allows, the problem below the form too.
  function revealField(textarea) {
    const label = document.querySelector('label[for="' + textarea.id + '"]') || textarea;
    const problem = document.getElementById('problem');
    const margin = 8;
    const top = label.getBoundingClientRect().top;
    let by = 0;
    if (top < margin || top > window.innerHeight / 2) by = top - margin;
    if (problem) {
      const bottom = problem.getBoundingClientRect().bottom - by;
      if (bottom > window.innerHeight - margin) by += Math.max(0, Math.min(bottom - window.innerHeight + margin, top - by - margin));
    }
    if (by !== 0) window.scrollBy(0, by);
  }

  function clearFault(textarea) {
    textarea.removeAttribute('aria-invalid');
    describedBy(textarea, 'problem', false);
  }

  function describedBy(el, id, on) {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
    if (on) ids.push(id);
    el.setAttribute('aria-describedby', ids.join(' '));
  }

  // ---- errors point at the value at fault ----------------------------------

  // locatePointer finds the value a JSON Pointer (RFC 6901) names in text,
  // as typed: {start, end} in UTF-16 units, as a textarea's selection
  // counts them. A member or item the text lacks (a required field
  // missing) maps to the object or array it should be in. null when text is
  // not JSON: it has changed since it was checked.
  function locatePointer(text, pointer) {
    try {
      JSON.parse(text);
    } catch (e) {
      return null;
    }
    const tokens = pointer === '' ? [] : pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    let i = 0;
    function ws() {
      while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    }
    // str reads the string at i and returns it, escapes decoded.
    function str() {
      let out = '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] !== '\\') {
          out += text[i];
          continue;
        }
        i++;
        const e = text[i];
        if (e === 'u') {
          out += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
          i += 4;
        } else {
          out += { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[e] || e;
        }
      }
      i++;
      return out;
    }
    // skip moves i past the value at i, without recursion: depth is the
    // text's to choose.
    function skip() {
      let depth = 0;
      do {
        const c = text[i];
        if (c === '"') {
          str();
          continue;
        }
        if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') depth--;
        else if (depth === 0) {
          while (i < text.length && !',]} \t\n\r'.includes(text[i])) i++;
          return;
        }
        i++;
      } while (depth > 0 && i < text.length);
    }
    function span(start) {
      i = start;
      skip();
      return { start, end: i };
    }
    ws();
    for (const token of tokens) {
      const start = i;
      if (text[i] === '{') {
        i++;
        for (;;) {
          ws();
          if (text[i] !== '"') return span(start); // the end: no such member
          const key = str();
          ws();
          i++; // the colon
          ws();
          if (key === token) break;
          skip();
          ws();
          if (text[i] === ',') i++;
        }
      } else if (text[i] === '[' && /^(0|[1-9][0-9]*)$/.test(token)) {
        i++;
        for (let n = Number(token); ; n--) {
          ws();
          if (text[i] === ']') return span(start); // no such item
          if (n === 0) break;
          skip();
          ws();
          if (text[i] === ',') i++;
        }
      } else {
        return span(start); // no member or item of a scalar
      }
    }
    return span(i);
  }

  // selectRange selects [start, end) in textarea and scrolls it there,
  // keeping the field's label in view.
  function selectRange(textarea, start, end) {
    textarea.focus({ preventScroll: true });
    textarea.setSelectionRange(start, end);
    const lh = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (lineColumn(textarea.value, start).line - 3) * lh);
    revealField(textarea);
  }

  // jumpToIssue selects, in the textarea its list names, the value an
  // issue's path points at. An issue without that (a record named by
  // AT-URI, a box emptied since) does nothing.
  function jumpToIssue(issue) {
    const list = issue.closest('[data-for]');
    const textarea = list ? document.getElementById(list.dataset.for) : null;
    if (!textarea || textarea.value.trim() === '' || issue.dataset.path === undefined) return;
    const at = locatePointer(textarea.value, issue.dataset.path);
    if (at) selectRange(textarea, at.start, at.end);
  }

  // linkIssues makes each issue's path under root a button that selects
  // its value, for the keyboard; a click anywhere on the issue does too.
  function linkIssues(root) {
    for (const path of root.querySelectorAll('[data-for] > .issue[data-path] > .issue-path')) {
      const textarea = document.getElementById(path.closest('[data-for]').dataset.for);
      if (!textarea || path.parentElement.tagName === 'BUTTON') continue;
      const button = h('button', 'issue-jump');
      button.type = 'button';
      button.title = 'Select this value in the text above';
      path.replaceWith(button);
      button.append(path);
    }
  }

  document.addEventListener('click', (event) => {
    const issue = event.target.closest && event.target.closest('[data-for] > .issue[data-path]');
    if (!issue || event.target.closest('a')) return;
    // Text selected in the list is being copied, not clicked.
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed && issue.contains(sel.anchorNode)) return;
    jumpToIssue(issue);
  });

  // ---- request bodies with the user's text in them ------------------------

  // jsonBody joins parts into a request body. A string part is JSON the
  // script wrote; a {field, text} part is the user's text, spliced in as
  // typed rather than re-serialized: JSON.parse would round integers beyond
  // 2^53, and the verdict would be about a different value. It keeps where
  // each user's text lies in the body, in bytes, for locateDecodeError.
  function jsonBody(parts) {
    const encoder = new TextEncoder();
    let body = '';
    let bytes = 0;
    const spans = [];
    for (const part of parts) {
      const text = typeof part === 'string' ? part : part.text;
      const n = encoder.encode(text).length;
      if (typeof part !== 'string') spans.push({ field: part.field, text, start: bytes, end: bytes + n });
      body += text;
      bytes += n;
    }
    return { body, spans };
  }

  // locateDecodeError turns where the server's decoder failed in the request
  // body, which an API error gives beside its message (offset, in bytes, and
  // reason), into a fault in the user's text it falls in: {field, offset,
  // line, column, length, message}, or null. The decoder refuses what
  // JSON.parse accepts (duplicate keys, lone surrogates, deep nesting), so
  // these reach it.
  function locateDecodeError(request, data) {
    if (!data || typeof data.offset !== 'number') return null;
    const at = data.offset;
    const span = request.spans.find((s) => at >= s.start && at <= s.end);
    if (!span) return null;
    const bytes = new TextEncoder().encode(request.body);
    const offset = new TextDecoder().decode(bytes.subarray(span.start, at)).length;
    const fault = { field: span.field, offset, length: tokenLength(span.text, offset), message: data.reason || data.message };
    return Object.assign(fault, lineColumn(span.text, offset));
  }

  // postJSON posts a jsonBody and returns the response with its JSON (null
  // when the body is not JSON).
  async function postJSON(url, request) {
    const resp = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: request.body,
    });
    let data = null;
    try {
      data = await resp.json();
    } catch (e) {
      data = null;
    }
    return { resp, data };
  }

  // ---- permalinks and curl ------------------------------------------------

  // maxPermalink is the most bytes a permalink's query holds, as
  // permalink.go's.
  const maxPermalink = 2048;

  // queryEscape escapes as Go's url.QueryEscape does, so that the page and
  // the server offer the same address.
  function queryEscape(s) {
    return encodeURIComponent(s)
      .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
      .replace(/%20/g, '+');
  }

  // permalink is the address of a result's inputs, fields [[name, value]]
  // in permalink.go's order (empty ones left out), on the page at base:
  // {href}, or {bytes} when the query would be longer than a link holds;
  // null when the text cannot be put in an address (a lone surrogate).
  function permalink(base, fields) {
    const at = base.indexOf('?');
    const path = at < 0 ? base : base.slice(0, at);
    let q = at < 0 ? '' : base.slice(at + 1);
    try {
      for (const [name, value] of fields) {
        if (value !== '') q += (q ? '&' : '') + name + '=' + queryEscape(value);
      }
    } catch (e) {
      return null;
    }
    return q.length > maxPermalink ? { bytes: q.length } : { href: path + '?' + q + '#result' };
  }

  // maxShellArgument is what Linux takes in one argument of a command
  // (MAX_ARG_STRLEN); a longer body needs a file.
  const maxShellArgument = 128 * 1024;

  // shellQuote quotes s for a POSIX shell: within single quotes nothing is
  // special but the single quote, written as '\''.
  function shellQuote(s) {
    return "'" + s.replace(/'/g, "'\\''") + "'";
  }

  // curlCommand is the curl command that posts body to url as JSON.
  function curlCommand(url, body) {
    return 'curl -sS ' + shellQuote(url) + " \\\n  -H 'Content-Type: application/json' \\\n  --data-binary " + shellQuote(body);
  }

  // ---- rendering, as templates/partials.html does ------------------------

  function problemView(title, fault, message, detail) {
    const text = h('p', 'verdict-detail');
    if (fault && fault.line) {
      text.append(h('strong', null, 'Line ' + fault.line + ', column ' + fault.column + ':'), ' ');
    }
    text.append(message);
    const box = h('div', 'verdict verdict-problem',
      h('p', 'verdict-title', iconSpan('!'), ' ' + title),
      text,
      detail ? h('p', 'verdict-more', 'Details: ' + detail) : null);
    box.id = 'problem';
    return box;
  }

  function iconSpan(symbol) {
    const s = h('span', 'verdict-icon', symbol);
    s.setAttribute('aria-hidden', 'true');
    return s;
  }

  const nouns = { params: 'parameters', object: 'value', '': 'value' };

  function defLabel(nsid, def) {
    def = (def || '').replace(nsid, '').replace(/^#/, '');
    return def === '' || def === 'main' ? nsid : nsid + '#' + def;
  }

  function verdictKind(data) {
    if (!data.valid) return 'invalid';
    return (data.unresolved || []).length ? 'partial' : 'valid';
  }

  // issueList is a list of issues whose paths point into the textarea
  // forId names ('' for none), as the templates write it: the list
  // carries data-for, each issue data-path.
  function issueList(tag, forId, items) {
    const list = h(tag, 'issues', ...items.map(([path, ...children]) => {
      const li = h('li', 'issue', ...children);
      if (path !== null) li.dataset.path = path;
      return li;
    }));
    if (forId) list.dataset.for = forId;
    return list;
  }

  function unresolvedList(unresolved, forId) {
    return [
      h('h3', 'result-heading', 'Not checked'),
      h('p', 'hint', 'These references could not be resolved, so the values they govern were accepted without checking.'),
      issueList('ul', forId, unresolved.map((u) => [u.path || '',
        code(pointer(u.path || ''), 'issue-path'), ' ',
        h('span', 'issue-message', 'reference ', code(u.ref), ' was not resolved'),
        u.schemaPath ? ' ' : null,
        u.schemaPath ? h('span', 'issue-rule', 'written at ', code(u.schemaPath)) : null])),
    ];
  }

  // resultView renders a verdict of POST /api/v1/validate (or of
  // com.atproto.lexicon.validate for a record); forId names the textarea
  // that holds the value checked ('' for a record named by AT-URI), link
  // is the permalink of its inputs, when the form offers one.
  function resultView(data, fallbackAgainst, forId, link) {
    const errors = data.errors || [];
    const unresolved = data.unresolved || [];
    const schema = data.schema || {};
    const against = schema.nsid ? defLabel(schema.nsid, schema.def) : fallbackAgainst;
    const noun = data.target in nouns ? nouns[data.target] : data.target || 'value';
    const these = data.target === 'params';
    const kind = verdictKind(data);
    let title;
    let detail;
    if (kind === 'invalid' && data.errorsTruncated) {
      title = 'Invalid: at least ' + plural(data.errorCount || 0, 'error', 'errors');
      detail = [(these ? 'These ' + noun + ' do' : 'This ' + noun + ' does') + ' not match ', nsidCode(against), '.'];
    } else if (kind === 'invalid') {
      title = errors.length ? 'Invalid: ' + plural(errors.length, 'error', 'errors') : 'Invalid';
      detail = [(these ? 'These ' + noun + ' do' : 'This ' + noun + ' does') + ' not match ', nsidCode(against), '.'];
    } else if (kind === 'partial') {
      title = 'Valid, with unchecked references';
      detail = ['Everything that could be checked matches ', nsidCode(against), ', but ' +
        plural(unresolved.length, 'reference was', 'references were') + ' treated as valid without being checked.'];
    } else {
      title = 'Valid';
      detail = [(these ? 'These ' + noun + ' match ' : 'This ' + noun + ' matches '), nsidCode(against), '.'];
    }
    const icon = { valid: '✓', partial: '?', invalid: '✗' }[kind];
    const out = document.createDocumentFragment();
    out.append(h('div', 'verdict verdict-' + kind,
      h('p', 'verdict-title', iconSpan(icon), ' ' + title),
      h('p', 'verdict-detail', ...detail)));
    if (errors.length) {
      out.append(h('h3', 'result-heading', 'Errors'));
      out.append(issueList('ol', forId, errors.map((e) => [e.path || '',
        code(pointer(e.path || ''), 'issue-path'), ' ',
        h('span', 'issue-message', e.message),
        e.schemaPath ? ' ' : null,
        e.schemaPath ? h('span', 'issue-rule', 'rule ', code(e.schemaPath)) : null])));
    }
    if (unresolved.length) out.append(...unresolvedList(unresolved, forId));
    if (data.errorsTruncated) {
      out.append(h('p', 'result-meta result-truncated', 'Only the first ' +
        plural(errors.length + unresolved.length, 'problem is', 'problems are') +
        ' listed' + (data.errorCount ? '; lexval counted at least ' + plural(data.errorCount, 'error', 'errors') + ' in all' : '') + '.'));
    }
    if (schema.cid) out.append(h('p', 'result-meta', 'Checked as ' + noun + ' against CID ', code(schema.cid)));
    const rec = data.record;
    if (rec && rec.proof) {
      out.append(h('p', 'result-meta result-record', 'Record ', code(rec.uri), ' (CID ', code(rec.cid), '), proven by the commit ',
        code(rec.proof.commit), ' at revision ', code(rec.proof.rev), ', signed by ', code(rec.proof.signingKey)));
    }
    if (link && link.href) {
      const a = h('a', 'permalink', 'Link to this result');
      a.setAttribute('href', link.href);
      out.append(h('p', 'result-meta result-link', a, ': the address holds what was checked, and opening it checks it again.'));
    } else if (link && link.bytes) {
      out.append(h('p', 'result-meta result-link', 'No link to this result: what was checked is too long for an address (' +
        link.bytes + ' bytes as a query; a link holds at most ' + maxPermalink + ').'));
    }
    return out;
  }

  // Titles and messages for answers that are not verdicts, as the server's
  // pages word them (problem.go); the server's own message is the detail.
  const statusProblems = {
    400: ['Invalid request', 'lexval cannot check this as it stands.'],
    404: ['Lexicon not found', 'lexval found no such lexicon.'],
    409: ['The schema record does not match its CID', 'The schema record lexval found is not the one expected, so it was not used.'],
    413: ['Submission too large', 'The text you sent is over the size limit.'],
    502: ['The lexicon could not be fetched', 'lexval could not fetch the lexicon over the network. Please try again later.'],
    504: ['Fetching the lexicon timed out', 'lexval gave up waiting for the lexicon. Please try again.'],
  };

  // Answers whose XRPC error name says more than their status, as
  // problem.go words them.
  const errorProblems = {
    RecordNotFound: ['Record not found', 'The repository the AT-URI names holds no such record.'],
    ProofInvalid: ['The record could not be proven', "The PDS served a record that its author's signed repository does not prove, so lexval did not use it. The details say which check failed."],
  };

  // technical is the server's message as a detail: the page already says
  // it is an invalid request.
  function technical(message) {
    return (message || '').replace(/^invalid request: /, '');
  }

  // show puts node in the result region, an aria-live region: what it shows
  // is what is announced, so nothing else announces results. Focus moves
  // to the region (tabindex=-1), not lost to the page with the button that
  // had it, so that the keyboard goes on from the answer. It brings the
  // first verdict into view or, given a heading, that heading and the
  // verdict under it.
  function show(region, node, heading) {
    region.replaceChildren(node);
    linkIssues(region);
    region.focus({ preventScroll: true });
    const verdict = heading ? heading.nextElementSibling : region.querySelector('.verdict');
    if (!verdict) return;
    const top = (heading || verdict).getBoundingClientRect().top;
    if (top < 0 || verdict.getBoundingClientRect().bottom > window.innerHeight) {
      (heading || verdict).scrollIntoView({ block: heading ? 'start' : 'nearest' });
    }
  }

  function showProblem(region, title, message, detail) {
    show(region, problemView(title, null, message, detail));
  }

  // showFault shows a JSON fault in textarea and marks it there.
  function showFault(region, textarea, title, fault) {
    region.replaceChildren(problemView(title, fault, fault.message));
    markJSONFault(textarea, fault);
  }

  // showFailure shows an answer that is not a verdict.
  function showFailure(region, resp, data) {
    const known = errorProblems[data && data.error] || statusProblems[resp.status];
    if (resp.status >= 500 && !known) {
      showProblem(region, 'Something went wrong in lexval', 'The error has been logged. Please try again, or report it if it persists.');
      return;
    }
    const [title, message] = known || ['Could not check', 'The server answered ' + resp.status + ' ' + resp.statusText + '.'];
    showProblem(region, title, message, technical(data && data.message));
  }

  function setBusy(form, busy) {
    const note = form.querySelector('[data-busy]');
    for (const button of form.querySelectorAll('button[type="submit"]')) button.disabled = busy;
    if (note) note.hidden = !busy;
    form.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  // submitting runs send with the form marked busy; a request that never
  // reaches the server is shown as such.
  async function submitting(form, region, send) {
    setBusy(form, true);
    try {
      await send();
    } catch (err) {
      showProblem(region, 'Could not reach lexval', 'The request failed: ' + err.message + '. Check your connection and try again.');
    } finally {
      setBusy(form, false);
    }
  }

  // ---- the Validate Record form: POST /api/v1/validate --------------------

  function enhanceValidateForm(form) {
    const textarea = form.querySelector('textarea[name="value"]');
    const uriInput = form.querySelector('input[name="uri"]'); // when the network is on
    const region = document.getElementById('result');
    if (!textarea || !region) return;
    textarea.addEventListener('input', () => clearFault(textarea));
    function clearURIFault() {
      uriInput.removeAttribute('aria-invalid');
      uriInput.setAttribute('aria-describedby', 'uri-help');
    }
    if (uriInput) uriInput.addEventListener('input', clearURIFault);
    const help = document.getElementById('value-help');
    for (const radio of form.querySelectorAll('input[name="target"][type="radio"]')) {
      radio.addEventListener('change', () => {
        if (help && radio.dataset.hint) help.textContent = radio.dataset.hint;
        if (radio.dataset.placeholder) textarea.placeholder = radio.dataset.placeholder;
      });
    }

    // uriProblem shows what the server's page says of an AT-URI that names
    // no record, and marks the field.
    function uriProblem(title, message, detail) {
      showProblem(region, title, message, detail);
      uriInput.setAttribute('aria-invalid', 'true');
      uriInput.setAttribute('aria-describedby', 'uri-help problem');
    }

    // inputs is what the form holds now.
    function inputs() {
      return {
        text: textarea.value,
        uri: uriInput ? uriInput.value.trim() : '',
        target: (form.querySelector('input[name="target"]:checked') || form.querySelector('input[name="target"]') || {}).value || '',
        allow: !!(form.querySelector('input[name="allowUnresolved"]') || {}).checked,
      };
    }

    // request is the body of POST /api/v1/validate for inp.
    function request(inp) {
      // Without data-schema (the catalog's paste form), the server checks
      // the value against the lexicon its $type names.
      let rest = '';
      if (form.dataset.schema) rest += ',"schema":' + JSON.stringify(form.dataset.schema);
      if (form.dataset.cid) rest += ',"cid":' + JSON.stringify(form.dataset.cid);
      if (inp.target) rest += ',"target":' + JSON.stringify(inp.target);
      rest += ',"options":{"allowUnresolved":' + inp.allow + '}}';
      // A record named by AT-URI is fetched, proven and validated by the
      // server; a pasted value is sent as typed.
      return inp.uri !== ''
        ? jsonBody(['{"uri":' + JSON.stringify(inp.uri) + rest])
        : jsonBody(['{"value":', { field: 'value', text: inp.text }, rest]);
    }

    // The curl command is written when it is shown, and again as the form
    // changes while it is.
    const curl = form.querySelector('details.curl');
    if (curl) {
      const out = curl.querySelector('pre code');
      const long = curl.querySelector('.curl-long');
      let timer = 0;
      const update = () => {
        if (!curl.open) return;
        const inp = inputs();
        const empty = inp.uri === '' && inp.text.trim() === '';
        const body = empty ? '' : request(inp).body;
        out.textContent = empty ? '' : curlCommand(new URL(form.dataset.api, window.location.href).href, body);
        if (long) long.hidden = new TextEncoder().encode(body).length <= maxShellArgument;
      };
      curl.addEventListener('toggle', update);
      form.addEventListener('change', update);
      form.addEventListener('input', () => {
        window.clearTimeout(timer);
        timer = window.setTimeout(update, 150);
      });
    }

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const inp = inputs();
      const { text, uri } = inp;
      if (uri !== '' && text.trim() !== '') {
        uriProblem('Two things to validate', 'Paste a JSON value or give the AT-URI of a record, not both.');
        return;
      }
      if (uri === '' && text.trim() === '') {
        showProblem(region, 'Nothing to validate', 'Paste a JSON value into the box above, then press Validate.');
        markJSONFault(textarea, { offset: -1 });
        return;
      }
      const fault = uri === '' ? checkJSON(text) : null;
      if (fault) {
        showFault(region, textarea, 'Not valid JSON', fault);
        return;
      }
      clearFault(textarea);
      if (uriInput) clearURIFault();
      const req = request(inp);
      // The fields in permalink.go's order.
      const link = permalink(form.dataset.permalink || '', [['target', inp.target],
        ['value', uri === '' ? text : ''], ['uri', uri], ['allowUnresolved', inp.allow ? 'true' : '']]);

      await submitting(form, region, async () => {
        const { resp, data } = await postJSON(form.dataset.api, req);
        if (resp.ok && data && typeof data.valid === 'boolean') {
          show(region, resultView(data, form.dataset.against, uri === '' ? textarea.id : '', link));
          return;
        }
        if (uri !== '' && resp.status === 400) {
          // As the page words an AT-URI that names no record.
          uriProblem('Not the AT-URI of a record', "A record's AT-URI looks like " + uriInput.placeholder +
            ': a DID, a collection and a record key.', technical(data && data.message));
          return;
        }
        const located = locateDecodeError(req, data);
        if (located) showFault(region, textarea, 'Not valid JSON', located);
        else showFailure(region, resp, data);
      });
    });
  }

  // ---- the draft form: POST /xrpc/com.atproto.lexicon.validate -----------

  // lintView renders the lint of a draft as the "draft-result" template
  // does: the document's problems, or none.
  function lintView(nsid, lint) {
    const out = document.createDocumentFragment();
    out.append(h('h2', 'result-section', 'Lexicon ', nsid ? code(nsid) : null));
    if (lint.errors.length) {
      out.append(h('div', 'verdict verdict-invalid',
        h('p', 'verdict-title', iconSpan('✗'), ' ' + plural(lint.errors.length, 'problem', 'problems')),
        h('p', 'verdict-detail', 'Fix these before publishing the lexicon.')));
      out.append(issueList('ol', 'lexicon', lint.errors.map((e) => [e.path || '',
        code(pointer(e.path || ''), 'issue-path'), ' ',
        h('span', 'issue-message', e.message)])));
    } else if (lint.unresolved.length) {
      out.append(h('div', 'verdict verdict-partial',
        h('p', 'verdict-title', iconSpan('?'), ' No problems found, with unchecked references'),
        h('p', 'verdict-detail', 'The lexicon follows every authoring rule lexval checks, but ' +
          plural(lint.unresolved.length, 'reference was', 'references were') + ' not resolved.')));
      out.append(...unresolvedList(lint.unresolved, 'lexicon'));
    } else {
      out.append(h('div', 'verdict verdict-valid',
        h('p', 'verdict-title', iconSpan('✓'), ' No problems found'),
        h('p', 'verdict-detail', 'The lexicon follows every authoring rule lexval checks.')));
    }
    return out;
  }

  // draftSummary words a record's verdict and its lexicon's lint in one
  // sentence, as draftPage.Summary does.
  function draftSummary(kind, errors, truncated, problems) {
    let s;
    if (kind === 'valid') s = 'The record is valid';
    else if (kind === 'partial') s = 'The record is valid, with unchecked references';
    else s = 'The record is invalid' + (errors ? ' (' + (truncated ? 'at least ' : '') + plural(errors, 'error', 'errors') + ')' : '');
    return s + (problems ? '; the lexicon has ' + plural(problems, 'problem', 'problems') + '.' : '; the lexicon has no problems.');
  }

  function enhanceDraftForm(form) {
    const region = document.getElementById('result');
    const lexicon = form.querySelector('textarea[name="lexicon"]');
    const record = form.querySelector('textarea[name="record"]');
    const def = form.querySelector('input[name="def"]');
    const target = form.querySelector('select[name="target"]');
    const allow = form.querySelector('input[name="allowUnresolved"]');
    if (!region || !lexicon || !record) return;
    for (const el of [lexicon, record]) el.addEventListener('input', () => clearFault(el));
    const titles = { lexicon: 'The lexicon document is not valid JSON', record: 'The record is not valid JSON' };
    const areas = { lexicon, record };

    // request is the method's body: the schema and, when given, the record,
    // both as typed.
    function request(withRecord) {
      let rest = ',"allowUnresolved":' + !!(allow && allow.checked);
      if (target && target.value) rest += ',"target":' + JSON.stringify(target.value);
      const parts = ['{"schema":', { field: 'lexicon', text: lexicon.value }];
      if (withRecord) parts.push(',"record":', { field: 'record', text: record.value });
      parts.push(rest + '}');
      return jsonBody(parts);
    }

    const uriInput = form.querySelector('input[name="uri"]'); // when the network is on

    form.addEventListener('submit', async (event) => {
      // The method checks a document's main definition, against a record
      // sent; for another definition, a record named by AT-URI, or a
      // comparison with the published version, the form goes to the
      // server, which renders the page.
      if (event.submitter && event.submitter.name === 'compare') return;
      const name = def ? def.value.trim() : '';
      if (name !== '' && name !== 'main') return;
      if (uriInput && uriInput.value.trim() !== '') return;
      event.preventDefault();
      clearFault(lexicon);
      clearFault(record);
      if (lexicon.value.trim() === '') {
        showProblem(region, 'Nothing to check', 'Paste a lexicon document into the first box.');
        markJSONFault(lexicon, { offset: -1 });
        return;
      }
      const lexiconFault = checkJSON(lexicon.value);
      if (lexiconFault) {
        showFault(region, lexicon, titles.lexicon, lexiconFault);
        return;
      }
      const doc = JSON.parse(lexicon.value);
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        showProblem(region, 'Not a lexicon document', 'A lexicon document is a JSON object with "lexicon": 1, an id and defs.');
        markJSONFault(lexicon, { offset: -1 });
        return;
      }
      const nsid = typeof doc.id === 'string' ? doc.id : '';
      const hasRecord = record.value.trim() !== '';
      let recordFault = hasRecord ? checkJSON(record.value) : null;

      await submitting(form, region, async () => {
        let problem = null; // [title, message, detail]
        let verdict = null; // the record's, from the method
        let lint = null;
        if (hasRecord && !recordFault) {
          const req = request(true);
          const { resp, data } = await postJSON(form.dataset.api, req);
          if (resp.ok && data && typeof data.valid === 'boolean') {
            const schemaErrors = data.schemaErrors || [];
            lint = { errors: schemaErrors, unresolved: [] };
            if (data.schema) {
              // The method's valid covers the lexicon too; the record's own
              // verdict is its errors'.
              verdict = Object.assign({}, data, { valid: (data.errors || []).length === 0 });
            } else {
              // Without schema and target, the record was not checked: the
              // lexicon's problems keep it from compiling.
              problem = ['The record was not checked', null, null];
            }
          } else {
            const located = locateDecodeError(req, data);
            if (located && located.field === 'lexicon') {
              showFault(region, lexicon, titles.lexicon, located);
              return;
            }
            if (located) {
              recordFault = located;
            } else if (resp.status === 400) {
              problem = ['The record was not checked', null, technical(data && data.message)];
            } else {
              showFailure(region, resp, data);
              return;
            }
          }
        }
        if (!lint) {
          // Lint alone: no record, or one that could not be checked. The
          // author learns about both texts at once.
          const req = request(false);
          const { resp, data } = await postJSON(form.dataset.api, req);
          if (!(resp.ok && data && typeof data.valid === 'boolean')) {
            const located = locateDecodeError(req, data);
            if (located) showFault(region, lexicon, titles.lexicon, located);
            else showFailure(region, resp, data);
            return;
          }
          lint = { errors: data.errors || [], unresolved: data.unresolved || [] };
        }
        if (problem) {
          // As uncheckedMessage words it.
          if (lint.errors.length) {
            problem[1] = "The lexicon's problems, listed below, keep lexval from checking the record against it.";
            problem[2] = null; // the problems listed are the detail
          } else if (!doc.defs || typeof doc.defs !== 'object' || !('main' in doc.defs)) {
            problem[1] = 'The lexicon has no definition “main”: type the name of the definition to check the record against in the Definition box.';
          } else {
            problem[1] = 'lexval cannot check a record against this lexicon document as it stands.';
          }
        }

        const out = document.createDocumentFragment();
        if (verdict) {
          const count = verdict.errorsTruncated ? verdict.errorCount || 0 : (verdict.errors || []).length;
          out.append(h('p', 'summary', draftSummary(verdictKind(verdict), count, verdict.errorsTruncated, lint.errors.length)));
        }
        if (recordFault) out.append(problemView(titles.record, recordFault, recordFault.message));
        else if (problem) out.append(problemView(problem[0], null, problem[1], problem[2]));
        out.append(lintView(nsid, lint));
        let heading = null;
        if (verdict) {
          heading = h('h2', 'result-section', 'Record');
          heading.id = 'record-result';
          out.append(heading, resultView(verdict, nsid, 'record'));
        }
        if (recordFault) {
          region.replaceChildren(out);
          linkIssues(region);
          markJSONFault(record, recordFault);
          return;
        }
        // Scroll to the record's verdict, the answer to what was asked,
        // rather than to the lexicon's above it.
        show(region, out, heading);
      });
    });
  }

  // ---- the catalog filter -------------------------------------------------

  function enhanceFilter(input) {
    const list = document.getElementById('catalog');
    const count = document.getElementById('filter-count');
    const empty = document.getElementById('filter-empty');
    if (!list || !count) return;
    const items = Array.from(list.children);
    const total = items.length;
    let timer = 0;
    input.addEventListener('input', () => {
      const q = input.value.trim().toLowerCase();
      let shown = 0;
      for (const li of items) {
        const match = q === '' || (li.dataset.nsid || '').toLowerCase().includes(q);
        li.hidden = !match;
        if (match) shown++;
      }
      if (empty) empty.hidden = shown !== 0;
      const text = q === '' ? plural(total, 'lexicon', 'lexicons') : shown + ' of ' + plural(total, 'lexicon', 'lexicons');
      count.textContent = text;
      // Speak the count once typing pauses, not on every key.
      window.clearTimeout(timer);
      timer = window.setTimeout(() => announce(q === '' ? text : text + ' match'), 400);
    });
  }

  // ---- Ctrl+Enter ------------------------------------------------------------

  // A Mac's shortcuts use ⌘ where other systems' use Ctrl; both work
  // everywhere, and the hint names the one the system uses.
  const mac = /Mac|iPhone|iPad/.test((navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || '');

  // enhanceShortcut makes Ctrl+Enter (⌘+Enter) in area submit its form as
  // the form's first button does.
  function enhanceShortcut(area) {
    const form = area.form;
    const button = form && form.querySelector('button[type="submit"]');
    if (!button) return;
    area.setAttribute('aria-keyshortcuts', mac ? 'Meta+Enter' : 'Control+Enter');
    area.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.isComposing) return;
      event.preventDefault();
      if (!button.disabled) form.requestSubmit(button);
    });
    for (const key of form.querySelectorAll('kbd[data-mod]')) key.textContent = mac ? '⌘' : 'Ctrl';
  }

  // ---- tabs: the schema's documentation and JSON views --------------------

  // enhanceTabs turns the views in box (sections of class "view", each
  // with a heading) into tabs, the first one shown. Without this, the page
  // shows every view, one after the other. A link to something in a hidden
  // view (a ref in the JSON to a definition's entry, the page's table of
  // contents, an address with a fragment) shows that view first.
  function enhanceTabs(box) {
    const panels = Array.from(box.children).filter((e) => e.classList.contains('view'));
    if (panels.length < 2) return;
    const list = h('div', 'tabs');
    list.setAttribute('role', 'tablist');
    list.setAttribute('aria-label', box.dataset.tabs);
    const tabs = panels.map((panel) => {
      const heading = panel.querySelector('.view-heading');
      const tab = h('button', 'tab', heading ? heading.textContent : panel.id);
      tab.type = 'button';
      tab.id = panel.id + '-tab';
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-controls', panel.id);
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', tab.id);
      if (heading) heading.hidden = true;
      tab.addEventListener('click', () => select(panel));
      return tab;
    });
    function select(panel, focus) {
      panels.forEach((p, i) => {
        const on = p === panel;
        p.hidden = !on;
        tabs[i].setAttribute('aria-selected', on ? 'true' : 'false');
        tabs[i].tabIndex = on ? 0 : -1;
        if (on && focus) tabs[i].focus();
      });
    }
    list.addEventListener('keydown', (event) => {
      const at = tabs.indexOf(document.activeElement);
      if (at < 0) return;
      const to = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      select(panels[(to + tabs.length) % tabs.length], true);
    });
    list.append(...tabs);
    box.prepend(list);

    // reveal shows the view holding the element id names, and returns the
    // element (null when there is none).
    function reveal(id) {
      const el = id ? document.getElementById(id) : null;
      const panel = el ? panels.find((p) => p.contains(el)) : null;
      if (panel && panel.hidden) select(panel);
      return el;
    }
    const fragment = () => decodeURIComponent(window.location.hash.slice(1));
    // Before the browser follows an in-page link, so that it scrolls to a
    // target already shown.
    document.addEventListener('click', (event) => {
      const a = event.target.closest && event.target.closest('a[href^="#"]');
      if (a) reveal(decodeURIComponent(a.hash.slice(1)));
    });
    window.addEventListener('hashchange', () => {
      const el = reveal(fragment());
      if (el) el.scrollIntoView();
    });
    select(panels[0]);
    const target = reveal(fragment());
    if (target && panels.some((p) => p.contains(target))) target.scrollIntoView();
  }

  // ---- copy buttons -------------------------------------------------------

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {
      // Plain-HTTP origins have no clipboard API; fall back to a selection.
      const area = h('textarea', 'visually-hidden', text);
      area.setAttribute('readonly', '');
      document.body.append(area);
      area.select();
      let ok = false;
      try {
        ok = document.execCommand('copy');
      } catch (err) {
        ok = false;
      }
      area.remove();
      return ok;
    }
  }

  function enhanceCopy(button) {
    button.hidden = false;
    const label = button.textContent;
    button.addEventListener('click', async () => {
      const from = button.dataset.copyFrom;
      const text = from ? (document.getElementById(from) || {}).textContent || '' : button.dataset.copy || '';
      const ok = await copyText(text);
      button.textContent = ok ? 'Copied' : 'Copy failed';
      button.toggleAttribute('data-copied', ok);
      announce(ok ? 'Copied to the clipboard' : 'Could not copy; select the text and copy it by hand');
      window.setTimeout(() => {
        button.textContent = label;
        button.removeAttribute('data-copied');
      }, 2000);
    });
  }

  // ---- start --------------------------------------------------------------

  for (const el of document.querySelectorAll('[data-js-only]')) el.hidden = false;
  for (const b of document.querySelectorAll('button.copy')) enhanceCopy(b);
  for (const f of document.querySelectorAll('form.validate-form[data-api]')) enhanceValidateForm(f);
  for (const f of document.querySelectorAll('form.draft-form[data-api]')) enhanceDraftForm(f);
  for (const box of document.querySelectorAll('[data-tabs]')) enhanceTabs(box);
  for (const area of document.querySelectorAll('form textarea')) enhanceShortcut(area);
  linkIssues(document);
  const filter = document.getElementById('filter');
  if (filter) enhanceFilter(filter);
})();

/*
 * llmetry4j viewer: the page's script (plain ES2020, no build step, no library).
 *
 * Everything shown comes from spans an application recorded, prompts and model answers included,
 * so all of it is treated as hostile: it reaches the DOM only as text (textContent,
 * createTextNode), as data-* values or as a title; never as markup, a class name, an id or a URL.
 * The page talks to its own server only (relative URLs) and only with GET.
 */
'use strict';

(function llmetry4jViewer() {
  // ---------------------------------------------------------------------------------------------
  // Limits and fixed texts

  const PAGE_SIZE = 100;
  // 10,000 rows in a table make every re-render and style recalculation crawl.
  const MAX_LIST_ROWS = 500;
  const POLL_INTERVAL_MS = 1000;
  const FILTER_DEBOUNCE_MS = 250;
  // A message can be a megabyte; laying out that much text in one node freezes the page.
  const TEXT_LIMIT = 20000;
  // Parsing and re-indenting multi-megabyte JSON blocks input for a noticeable time.
  const PRETTY_LIMIT = 200000;
  // Must match the height of .span-row in app.css: rows are placed by index.
  const ROW_HEIGHT = 24;
  const ROW_MARGIN = 20;
  const INDENT_PX = 14;
  // Deeper rows stop moving right, so a long chain of spans keeps its names on screen.
  const MAX_INDENT_DEPTH = 30;
  const MAX_EVENTS_SHOWN = 200;
  const MAX_DOCUMENTS_SHOWN = 500;
  const MAX_AGENT_NODES = 1000;
  const MAX_LABEL_CHARS = 200;
  const CHART_MINUTES = 60;
  const MINUTE_MS = 60000;

  const CAPTURE_OFF_TEXT =
    'Content capture is off for this span, so its prompts and answers were not recorded. ' +
    'Turn it on with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true ' +
    '(or LlmTelemetry.builder(...).captureContent(true), or llmetry4j.capture-content=true in Spring).';

  // Span kinds map to our own class names: a kind from the data never becomes a class itself.
  const KIND_CLASSES = {
    INTERNAL: 'kind-internal',
    SERVER: 'kind-server',
    CLIENT: 'kind-client',
    PRODUCER: 'kind-producer',
    CONSUMER: 'kind-consumer',
  };
  const CHAT_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content']);
  const AGENT_OPERATIONS = new Set(['invoke_agent', 'invoke_workflow', 'create_agent']);
  const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';
  const FLAT_MESSAGE_KEY = /^gen_ai\.(prompt|completion)\.(\d{1,9})\.(.+)$/;
  const FLAT_TOOL_CALL_KEY = /^tool_calls\.(\d{1,9})\.(name|arguments|id)$/;

  const RETRIEVAL_COUNTS = [
    ['llmetry4j.retrieval.result_count', 'Results'],
    ['llmetry4j.rag.contents.input_count', 'Contents in'],
    ['llmetry4j.rag.contents.output_count', 'Contents out'],
    ['llmetry4j.rerank.document_count', 'Documents re-ranked'],
    ['llmetry4j.vector.query.result_count', 'Matches'],
    ['llmetry4j.web_search.result_count', 'Web results'],
    ['db.response.returned_rows', 'Rows returned'],
    ['gen_ai.request.top_k', 'Top k'],
  ];

  const TRACE_CELLS = [
    'start', 'root-name', 'duration', 'models', 'tokens-in', 'tokens-out',
    'cost', 'errors', 'conversation', 'spans',
  ];

  // Read once at start; the server prints the page's link with it. Never shown on the page.
  const API_TOKEN = readToken();

  function readToken() {
    try {
      return new URLSearchParams(window.location.search).get('token') || '';
    } catch (e) {
      return '';
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  function byId(id) {
    return document.getElementById(id);
  }

  /** A new element; the class names are always literals of this file, the text may be data. */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  // Own properties only: a key such as "constructor" must not find Object.prototype's.
  function attr(attributes, key) {
    return Object.prototype.hasOwnProperty.call(attributes, key) ? attributes[key] : undefined;
  }

  function attrsOf(holder) {
    return holder && isObject(holder.attributes) ? holder.attributes : {};
  }

  function num(value) {
    let n = NaN;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string' && value.trim() !== '') n = Number(value);
    return Number.isFinite(n) ? n : NaN;
  }

  function str(value) {
    if (value === null || value === undefined) return '';
    if (typeof value === 'string') return value;
    if (typeof value === 'object') return safeStringify(value);
    return String(value);
  }

  function safeStringify(value, indent) {
    try {
      const text = JSON.stringify(value, null, indent);
      return text === undefined ? String(value) : text;
    } catch (e) {
      return String(value);
    }
  }

  function firstDefined(...values) {
    return values.find((v) => v !== undefined && v !== null && v !== '');
  }

  /** Short labels (roles, names in headings) cut hard: a megabyte "role" is an attack, not data. */
  function clip(text, max = MAX_LABEL_CHARS) {
    const value = str(text);
    return value.length > max ? value.slice(0, max) + '…' : value;
  }

  function pad(n, width = 2) {
    return String(n).padStart(width, '0');
  }

  function formatMs(ms) {
    return Number.isFinite(ms) ? ms.toFixed(1) + ' ms' : '';
  }

  function formatInt(value) {
    const n = num(value);
    return Number.isFinite(n) ? String(Math.round(n)) : '';
  }

  function formatScore(value) {
    const n = num(value);
    if (!Number.isFinite(n)) return str(value);
    return String(Number(n.toFixed(4)));
  }

  function formatCost(value, currency) {
    const n = num(value);
    if (!Number.isFinite(n)) return '';
    const digits = n >= 1 ? 2 : n >= 0.01 ? 4 : 6;
    return n.toFixed(digits) + (currency ? ' ' + clip(currency, 8) : '');
  }

  function formatClock(date) {
    return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
      `.${pad(date.getMilliseconds(), 3)}`;
  }

  function formatDate(date) {
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }

  /** Local time; the date only when it is not today, to keep the column narrow. */
  function formatStart(epochMs) {
    if (!Number.isFinite(epochMs)) return '';
    const date = new Date(epochMs);
    if (Number.isNaN(date.getTime())) return '';
    return formatDate(date) === formatDate(new Date())
      ? formatClock(date)
      : formatDate(date) + ' ' + formatClock(date);
  }

  function formatDateTime(epochMs) {
    if (!Number.isFinite(epochMs)) return '';
    const date = new Date(epochMs);
    return Number.isNaN(date.getTime()) ? '' : formatDate(date) + ' ' + formatClock(date);
  }

  function parseJson(text) {
    if (typeof text !== 'string') return {ok: true, value: text};
    try {
      return {ok: true, value: JSON.parse(text)};
    } catch (e) {
      return {ok: false, value: text};
    }
  }

  /** Indented JSON for a value or a JSON string; the raw text when not JSON or too big to indent. */
  function prettyJson(value) {
    if (typeof value === 'string') {
      if (value.length >= PRETTY_LIMIT) return value;
      const parsed = parseJson(value);
      if (!parsed.ok || typeof parsed.value === 'string') return value;
      return safeStringify(parsed.value, 2);
    }
    if (value === undefined) return '';
    const compact = safeStringify(value);
    return compact.length >= PRETTY_LIMIT ? compact : safeStringify(value, 2);
  }

  function asArray(value) {
    if (Array.isArray(value)) return value;
    if (typeof value === 'string' && value.trim().startsWith('[')) {
      const parsed = parseJson(value);
      if (parsed.ok && Array.isArray(parsed.value)) return parsed.value;
    }
    return [];
  }

  /**
   * `text` in a new <tag class=className>, cut at TEXT_LIMIT characters with a button after it
   * that puts the whole text in (still as text). Returns a fragment holding both.
   */
  function longText(tag, className, text) {
    const value = str(text);
    const fragment = document.createDocumentFragment();
    const node = el(tag, className);
    fragment.append(node);
    if (value.length <= TEXT_LIMIT) {
      node.textContent = value;
      return fragment;
    }
    let cut = TEXT_LIMIT;
    // Never split a surrogate pair: half an emoji renders as a replacement box.
    const code = value.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    node.textContent = value.slice(0, cut);
    node.classList.add('truncated');
    const button = el('button', 'show-all', `show all (${value.length} characters)`);
    button.type = 'button';
    button.addEventListener('click', () => {
      node.textContent = value;
      node.classList.remove('truncated');
      button.remove();
    });
    fragment.append(button);
    return fragment;
  }

  function definitionList(className) {
    return el('dl', className);
  }

  /** One term/value pair of a <dl>, skipped when the value is empty. */
  function addFact(list, label, value, className) {
    const text = str(value);
    if (text === '') return null;
    const item = el('div', className ? 'fact ' + className : 'fact');
    const dd = el('dd');
    dd.append(longText('span', 'fact-value', text));
    item.append(el('dt', null, label), dd);
    list.append(item);
    return item;
  }

  // ---------------------------------------------------------------------------------------------
  // Talking to the server

  class HttpError extends Error {
    constructor(status) {
      super('HTTP ' + status);
      this.status = status;
    }
  }

  async function getJson(path, signal) {
    const headers = {Accept: 'application/json'};
    if (API_TOKEN) headers.Authorization = 'Bearer ' + API_TOKEN;
    const response = await fetch('api/' + path, {
      method: 'GET',
      headers,
      cache: 'no-store',
      credentials: 'same-origin',
      signal,
    });
    if (!response.ok) {
      if (response.status === 401 || response.status === 403) showAuthError(response.status);
      throw new HttpError(response.status);
    }
    const data = await response.json();
    return isObject(data) ? data : {};
  }

  function isAbort(error) {
    return error && error.name === 'AbortError';
  }

  function describeError(error) {
    if (error instanceof HttpError) return 'HTTP ' + error.status;
    return 'the viewer did not answer';
  }

  function showAuthError(status) {
    showAppError(`The viewer refused the request (HTTP ${status}). Open the page with the link ` +
      'the application printed: it carries the access token.');
  }

  function showAppError(message) {
    const box = byId('app-error');
    box.textContent = message;
    box.hidden = false;
  }

  function clearAppError() {
    byId('app-error').hidden = true;
  }

  function showStoreStatus(data) {
    const stored = isObject(data.stored) ? data.stored : {};
    const evicted = isObject(data.evicted) ? data.evicted : {};
    const kept = num(stored.traces);
    if (!Number.isFinite(kept)) return;
    const gone = Number.isFinite(num(evicted.traces)) ? num(evicted.traces) : 0;
    const status = byId('store-status');
    status.textContent = `${kept} traces kept, ${gone} evicted`;
    const details = [];
    if (Number.isFinite(num(stored.spans))) details.push(`${num(stored.spans)} spans`);
    if (Number.isFinite(num(stored.bytes))) {
      let bytes = formatBytes(num(stored.bytes));
      if (Number.isFinite(num(stored.maxBytes))) bytes += ' of ' + formatBytes(num(stored.maxBytes));
      details.push(bytes);
    }
    if (Number.isFinite(num(stored.maxTraces))) details.push(`at most ${num(stored.maxTraces)} traces`);
    if (Number.isFinite(num(evicted.spans))) details.push(`${num(evicted.spans)} spans evicted`);
    status.title = details.join(' · ');
  }

  function formatBytes(bytes) {
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1) + ' MB';
    if (bytes >= 1024) return (bytes / 1024).toFixed(1) + ' KB';
    return bytes + ' B';
  }

  /** Pages other than the list still show the store's figures: ask for the smallest list page. */
  async function refreshStoreStatus() {
    try {
      showStoreStatus(await getJson('traces?offset=0&limit=1'));
    } catch (e) {
      // The poller reports a lost connection; nothing more to say here.
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Live updates: one small request a second, none while the tab is hidden

  const poller = {timer: null, inFlight: false, version: null};

  function schedulePoll() {
    if (poller.timer !== null || poller.inFlight || document.hidden) return;
    poller.timer = window.setTimeout(poll, POLL_INTERVAL_MS);
  }

  async function poll() {
    poller.timer = null;
    poller.inFlight = true;
    try {
      const data = await getJson('version');
      setLive(true);
      const version = data.version;
      if (poller.version !== null && version !== poller.version) onDataChanged();
      poller.version = version;
    } catch (e) {
      setLive(false);
    } finally {
      poller.inFlight = false;
      schedulePoll();
    }
  }

  function onVisibilityChange() {
    if (document.hidden) {
      window.clearTimeout(poller.timer);
      poller.timer = null;
    } else {
      schedulePoll();
    }
  }

  function setLive(connected) {
    const status = byId('live-status');
    setText(status, connected ? 'live' : 'disconnected');
    status.classList.toggle('offline', !connected);
  }

  function onDataChanged() {
    if (currentRoute.view === 'list') {
      enqueueList(refreshFirstPage);
    } else if (currentRoute.view === 'summary') {
      loadSummary();
      refreshStoreStatus();
    } else if (currentRoute.view === 'trace') {
      refreshTrace();
      refreshStoreStatus();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Routing: #/ (list), #/trace/<id>, #/summary

  let currentRoute = {view: null};

  function parseRoute() {
    const hash = window.location.hash.replace(/^#/, '');
    if (hash.startsWith('/trace/')) {
      let traceId = hash.slice('/trace/'.length);
      try {
        traceId = decodeURIComponent(traceId);
      } catch (e) {
        // Keep the raw text: the server will answer 404 for it.
      }
      return {view: 'trace', traceId};
    }
    if (hash === '/summary') return {view: 'summary'};
    return {view: 'list'};
  }

  function onRouteChange() {
    const next = parseRoute();
    const previous = currentRoute;
    currentRoute = next;
    showView(next.view);
    if (previous.view === 'trace' && next.view !== 'trace') leaveTrace();
    // Coming back from a trace puts the reader where they left the list.
    if (previous.view === 'list' && next.view !== 'list') list.scrollY = window.scrollY;
    if (next.view !== 'list') window.scrollTo(0, 0);
    if (next.view === 'list') enterList();
    else if (next.view === 'summary') enterSummary();
    else enterTrace(next.traceId);
  }

  function showView(view) {
    byId('view-list').hidden = view !== 'list';
    byId('view-trace').hidden = view !== 'trace';
    byId('view-summary').hidden = view !== 'summary';
    const links = [['nav-traces', view === 'list' || view === 'trace'], ['nav-summary', view === 'summary']];
    for (const [id, active] of links) {
      const link = byId(id);
      link.classList.toggle('active', active);
      if (active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    if (view !== 'trace') document.title = 'llmetry4j viewer';
  }

  // ---------------------------------------------------------------------------------------------
  // Trace list: pages of PAGE_SIZE in a window of at most MAX_LIST_ROWS rows

  const list = {
    rows: [], // trace summaries shown, newest first
    start: 0, // offset of rows[0] in the server's (filtered) list
    total: 0,
    loaded: false,
    generation: 0, // bumped when the filters change: answers for older filters are dropped
    queue: Promise.resolve(),
    controller: null,
    rowEls: new Map(), // traceId -> <tr>
    debounce: null,
    scrollY: 0,
  };

  function enterList() {
    if (!list.loaded) {
      resetList();
      return;
    }
    window.scrollTo(0, list.scrollY);
    enqueueList(refreshFirstPage);
  }

  /** List requests run one after another, so a refresh never interleaves with "Load more". */
  function enqueueList(task) {
    const generation = list.generation;
    list.queue = list.queue
      .then(() => (generation === list.generation ? task(generation) : undefined))
      .catch((error) => {
        if (isAbort(error)) return;
        showListError(error);
      });
    return list.queue;
  }

  function resetList() {
    list.generation += 1;
    if (list.controller) list.controller.abort();
    enqueueList(loadFirstPage);
  }

  function filterParams() {
    const params = new URLSearchParams();
    const textFilters = [
      ['q', 'filter-q'], ['conversation', 'filter-conversation'],
      ['name', 'filter-name'], ['model', 'filter-model'],
    ];
    for (const [param, id] of textFilters) {
      const value = byId(id).value.trim();
      if (value) params.set(param, value);
    }
    if (byId('filter-errors').checked) params.set('errors', 'true');
    return params;
  }

  function hasFilters() {
    return [...filterParams().keys()].length > 0;
  }

  async function fetchPage(generation, offset, limit) {
    const params = new URLSearchParams({offset: String(offset), limit: String(limit)});
    for (const [key, value] of filterParams()) params.set(key, value);
    list.controller = new AbortController();
    const data = await getJson('traces?' + params.toString(), list.controller.signal);
    if (generation !== list.generation) return null;
    clearAppError();
    showStoreStatus(data);
    list.total = Number.isFinite(num(data.total)) ? num(data.total) : 0;
    list.cost = data.cost;
    list.currency = data.currency;
    if (data.version !== undefined && poller.version === null) poller.version = data.version;
    const traces = Array.isArray(data.traces) ? data.traces.filter(isObject) : [];
    return traces;
  }

  async function loadFirstPage(generation) {
    const traces = await fetchPage(generation, 0, PAGE_SIZE);
    if (!traces) return;
    list.rows = dedupe(traces);
    list.start = 0;
    list.loaded = true;
    renderTraceList({fresh: false});
  }

  /** New traces appear on top; rows fetched further down stay as long as they still follow. */
  async function refreshFirstPage(generation) {
    if (list.start > 0) {
      // Reading older pages: do not pull the window away, only update the figures.
      const probe = await fetchPage(generation, 0, 1);
      if (probe) renderListStatus();
      return;
    }
    const page = await fetchPage(generation, 0, PAGE_SIZE);
    if (!page) return;
    list.rows = mergeFirstPage(list.rows, page).slice(0, MAX_LIST_ROWS);
    renderTraceList({fresh: true});
  }

  function mergeFirstPage(oldRows, page) {
    if (page.length < PAGE_SIZE) return dedupe(page); // the page is the whole list
    const pageIds = new Set(page.map((t) => str(t.traceId)));
    const last = page[page.length - 1];
    const lastIndex = oldRows.findIndex((t) => str(t.traceId) === str(last.traceId));
    const lastStart = num(last.startEpochMs);
    const tail = oldRows.filter((t, index) => {
      if (pageIds.has(str(t.traceId))) return false;
      return lastIndex >= 0 ? index > lastIndex : num(t.startEpochMs) <= lastStart;
    });
    return dedupe(page.concat(tail));
  }

  function dedupe(traces) {
    const seen = new Set();
    return traces.filter((t) => {
      const id = str(t.traceId);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  async function loadMore(generation) {
    const offset = list.start + list.rows.length;
    const traces = await fetchPage(generation, offset, PAGE_SIZE);
    if (!traces) return;
    let rows = dedupe(list.rows.concat(traces));
    const excess = rows.length - MAX_LIST_ROWS;
    if (excess > 0) {
      rows = rows.slice(excess);
      list.start += excess;
    }
    list.rows = rows;
    renderTraceList({fresh: false});
  }

  async function loadNewer(generation) {
    const offset = Math.max(0, list.start - PAGE_SIZE);
    const limit = list.start - offset;
    if (limit <= 0) return;
    const traces = await fetchPage(generation, offset, limit);
    if (!traces) return;
    list.start = offset;
    list.rows = dedupe(traces.concat(list.rows)).slice(0, MAX_LIST_ROWS);
    renderTraceList({fresh: false});
    if (list.start === 0) window.scrollTo(0, 0);
  }

  function showListError(error) {
    if (error instanceof HttpError && (error.status === 401 || error.status === 403)) return;
    showAppError(`Could not load the traces (${describeError(error)}).`);
  }

  function renderTraceList({fresh}) {
    const tbody = byId('trace-list');
    const keep = new Set(list.rows.map((t) => str(t.traceId)));
    for (const [id, row] of list.rowEls) {
      if (!keep.has(id)) {
        row.remove();
        list.rowEls.delete(id);
      }
    }
    // Reuse rows by trace id: a live refresh then only inserts the new ones and edits the rest.
    let cursor = tbody.firstElementChild;
    for (const item of list.rows) {
      const id = str(item.traceId);
      let row = list.rowEls.get(id);
      if (!row) {
        row = createTraceRow();
        list.rowEls.set(id, row);
        if (fresh) row.classList.add('fresh');
      }
      fillTraceRow(row, item);
      if (row === cursor) cursor = cursor.nextElementSibling;
      else tbody.insertBefore(row, cursor);
    }
    renderListStatus();
  }

  function renderListStatus() {
    // With priced calls: what the matching traces cost (a conversation's total when filtered).
    const spent = formatCost(list.cost, str(list.currency));
    setText(byId('trace-count'),
      `${list.total} ${list.total === 1 ? 'trace' : 'traces'}` + (spent ? ` · ${spent}` : ''));
    const shownTo = list.start + list.rows.length;
    setText(byId('list-range'), list.rows.length && (list.start > 0 || shownTo < list.total)
      ? `showing ${list.start + 1}–${shownTo}` : '');
    byId('load-more').hidden = shownTo >= list.total;
    byId('load-newer').hidden = list.start === 0;
    const empty = byId('empty');
    empty.hidden = list.total !== 0;
    setText(empty, hasFilters() ? 'No traces match these filters.' : 'No traces yet.');
  }

  function createTraceRow() {
    const row = el('tr', 'trace-row');
    row.tabIndex = 0;
    for (const cell of TRACE_CELLS) row.append(el('td', cell));
    return row;
  }

  function fillTraceRow(row, item) {
    const cells = row.children;
    const errors = num(item.errorCount);
    row.dataset.traceId = str(item.traceId);
    row.classList.toggle('has-error', errors > 0);
    const models = Array.isArray(item.models) ? item.models.map(str) : [];
    setText(cells[0], formatStart(num(item.startEpochMs)));
    cells[0].title = formatDateTime(num(item.startEpochMs));
    setText(cells[1], clip(item.rootName, 1000));
    cells[1].title = [str(item.service), str(item.traceId)].filter(Boolean).join(' · ');
    setText(cells[2], formatMs(num(item.durationMs)));
    setText(cells[3], clip(models.join(', '), 1000));
    setText(cells[4], formatInt(item.inputTokens));
    setText(cells[5], formatInt(item.outputTokens));
    setText(cells[6], formatCost(item.cost, str(item.currency)));
    setText(cells[7], formatInt(item.errorCount));
    setText(cells[8], clip(item.conversationId, 1000));
    setText(cells[9], formatInt(item.spanCount));
  }

  function openTraceRow(row) {
    if (!row || row.dataset.traceId === undefined) return;
    window.location.hash = '#/trace/' + encodeURIComponent(row.dataset.traceId);
  }

  function onFilterInput() {
    window.clearTimeout(list.debounce);
    list.debounce = window.setTimeout(resetList, FILTER_DEBOUNCE_MS);
  }

  function onErrorsFilterChange() {
    window.clearTimeout(list.debounce);
    resetList();
  }

  function wireList() {
    for (const id of ['filter-q', 'filter-conversation', 'filter-name', 'filter-model']) {
      byId(id).addEventListener('input', onFilterInput);
    }
    byId('filter-errors').addEventListener('change', onErrorsFilterChange);
    byId('load-more').addEventListener('click', () => enqueueList(loadMore));
    byId('load-newer').addEventListener('click', () => enqueueList(loadNewer));
    const tbody = byId('trace-list');
    tbody.addEventListener('click', (event) => openTraceRow(event.target.closest('.trace-row')));
    tbody.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') openTraceRow(event.target.closest('.trace-row'));
    });
    tbody.addEventListener('animationend', (event) => event.target.classList.remove('fresh'));
  }

  // ---------------------------------------------------------------------------------------------
  // Trace page: the span tree

  const trace = {
    id: null,
    data: null,
    nodes: [],
    roots: [],
    order: [], // every node, depth-first
    visible: [], // nodes not hidden under a collapsed parent, depth-first
    visibleIndex: new Map(),
    collapsed: new Set(),
    selected: null,
    total: 1, // trace duration in ms, the waterfall's 100%
    body: null,
    rowEls: new Map(), // visible index -> row element
    windowKey: '',
    frame: 0,
    controller: null,
  };

  function startOf(node) {
    const start = num(node.span.startOffsetMs);
    return Number.isFinite(start) ? start : 0;
  }

  function durationOf(node) {
    const duration = num(node.span.durationMs);
    return Number.isFinite(duration) && duration > 0 ? duration : 0;
  }

  function isErrorSpan(span) {
    return str(span.status).toUpperCase().includes('ERROR');
  }

  /**
   * Depth-first order, children by start time. A span whose parent is not in the trace is a root;
   * spans caught in a parent cycle (broken data) become roots too instead of vanishing.
   */
  function buildTree(spans) {
    const nodes = spans.filter(isObject).map((span, index) => ({
      span, index, depth: 0, parent: null, candidates: [], children: [], linked: false, kind: undefined,
    }));
    const bySpanId = new Map();
    for (const node of nodes) {
      const id = str(node.span.spanId);
      if (id && !bySpanId.has(id)) bySpanId.set(id, node);
    }
    for (const node of nodes) {
      const parentId = str(node.span.parentSpanId);
      const parent = parentId ? bySpanId.get(parentId) : undefined;
      if (parent && parent !== node) {
        parent.candidates.push(node);
        node.linked = true;
      }
    }
    const byStart = (a, b) => (startOf(a) - startOf(b)) || (a.index - b.index);
    for (const node of nodes) node.candidates.sort(byStart);

    const visited = new Set();
    const roots = [];
    const order = [];
    const walk = (root) => {
      const stack = [[root, null]];
      while (stack.length) {
        const [node, parent] = stack.pop();
        if (visited.has(node)) continue;
        visited.add(node);
        node.parent = parent;
        node.depth = parent ? parent.depth + 1 : 0;
        if (parent) parent.children.push(node);
        else roots.push(node);
        order.push(node);
        for (let i = node.candidates.length - 1; i >= 0; i--) {
          if (!visited.has(node.candidates[i])) stack.push([node.candidates[i], node]);
        }
      }
    };
    nodes.filter((n) => !n.linked).sort(byStart).forEach(walk);
    nodes.slice().sort(byStart).forEach((n) => visited.has(n) || walk(n));
    return {nodes, roots, order};
  }

  function flatten(roots, collapsed) {
    const out = [];
    const stack = roots.slice().reverse();
    while (stack.length) {
      const node = stack.pop();
      out.push(node);
      if (collapsed.has(node)) continue;
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
    return out;
  }

  function traceTotal(data, nodes) {
    let total = num(data.durationMs);
    if (!Number.isFinite(total)) total = 0;
    for (const node of nodes) total = Math.max(total, startOf(node) + durationOf(node));
    return total > 0 ? total : 1;
  }

  function usageOf(span) {
    const a = attrsOf(span);
    const input = num(firstDefined(attr(a, 'gen_ai.usage.input_tokens'), attr(a, 'gen_ai.usage.prompt_tokens')));
    const output = num(firstDefined(attr(a, 'gen_ai.usage.output_tokens'), attr(a, 'gen_ai.usage.completion_tokens')));
    return {input, output, present: Number.isFinite(input) || Number.isFinite(output)};
  }

  /**
   * Tokens of the trace's model calls. Agent and workflow spans may repeat their children's usage,
   * so without model-call spans only the innermost spans reporting usage count.
   */
  function traceUsage(order) {
    const chats = order.filter((node) => genaiKindOf(node) === 'chat' && usageOf(node.span).present);
    const counted = chats.length ? chats : innermostUsage(order);
    let input = 0;
    let output = 0;
    for (const node of counted) {
      const usage = usageOf(node.span);
      if (Number.isFinite(usage.input)) input += usage.input;
      if (Number.isFinite(usage.output)) output += usage.output;
    }
    return {input, output, any: counted.length > 0};
  }

  function innermostUsage(order) {
    const reportsBelow = new Map();
    const innermost = [];
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i];
      const present = usageOf(node.span).present;
      const childReports = node.children.some((child) => reportsBelow.get(child));
      reportsBelow.set(node, present || childReports);
      if (present && !childReports) innermost.push(node);
    }
    return innermost;
  }

  // ---------------------------------------------------------------------------------------------
  // Trace page: loading and header

  function enterTrace(traceId) {
    trace.id = traceId;
    trace.data = null;
    trace.selected = null;
    trace.collapsed = new Set();
    byId('trace-error').hidden = true;
    byId('trace-header').replaceChildren(el('p', 'loading', 'Loading…'));
    byId('waterfall').replaceChildren();
    byId('detail').replaceChildren();
    byId('waterfall').scrollTop = 0;
    loadTrace(traceId, false);
    refreshStoreStatus();
  }

  function leaveTrace() {
    if (trace.controller) trace.controller.abort();
    trace.id = null;
    trace.data = null;
    trace.body = null;
    trace.rowEls = new Map();
  }

  function refreshTrace() {
    if (trace.id !== null && trace.data) loadTrace(trace.id, true);
  }

  async function loadTrace(traceId, refreshing) {
    if (trace.controller) trace.controller.abort();
    const controller = new AbortController();
    trace.controller = controller;
    let data;
    try {
      data = await getJson('traces/' + encodeURIComponent(traceId), controller.signal);
    } catch (error) {
      if (isAbort(error) || refreshing || controller !== trace.controller) return;
      showTraceError(error instanceof HttpError && error.status === 404
        ? 'Trace not found (it may have been evicted).'
        : `Could not load the trace (${describeError(error)}).`);
      return;
    }
    if (controller !== trace.controller || trace.id !== traceId) return;
    const spans = Array.isArray(data.spans) ? data.spans : [];
    // A refresh re-renders only when spans arrived; otherwise the page stays as the reader left it.
    if (refreshing && trace.data && trace.data.spans.length === spans.length &&
        num(trace.data.durationMs) === num(data.durationMs)) return;
    showTrace({...data, spans}, refreshing);
  }

  function showTraceError(message) {
    const box = byId('trace-error');
    box.textContent = message;
    box.hidden = false;
    byId('trace-header').replaceChildren();
    byId('waterfall').replaceChildren();
    byId('detail').replaceChildren();
    document.title = 'Trace not found · llmetry4j viewer';
  }

  function showTrace(data, refreshing) {
    const previousSelection = trace.selected ? str(trace.selected.span.spanId) : null;
    const previousCollapsed = new Set([...trace.collapsed].map((n) => str(n.span.spanId)));
    const tree = buildTree(data.spans);
    trace.data = data;
    trace.nodes = tree.nodes;
    trace.roots = tree.roots;
    trace.order = tree.order;
    trace.total = traceTotal(data, tree.nodes);
    trace.collapsed = new Set(refreshing
      ? tree.order.filter((n) => previousCollapsed.has(str(n.span.spanId))) : []);
    trace.selected = (refreshing && tree.order.find((n) => str(n.span.spanId) === previousSelection)) ||
      tree.order[0] || null;
    byId('trace-error').hidden = true;
    renderTraceHeader(data, tree);
    recomputeVisible();
    renderWaterfall();
    if (trace.selected) selectNode(trace.selected, {scroll: !refreshing, keepDetail: refreshing});
    else byId('detail').replaceChildren(el('p', 'muted', 'This trace has no spans.'));
  }

  function renderTraceHeader(data, tree) {
    const header = byId('trace-header');
    const root = tree.order[0];
    const rootName = root ? str(root.span.name) : '(no spans)';
    document.title = clip(rootName, 80) + ' · llmetry4j viewer';
    const usage = traceUsage(tree.order);
    const errors = tree.order.filter((n) => isErrorSpan(n.span)).length;
    const conversation = tree.order.map((n) => attr(attrsOf(n.span), 'gen_ai.conversation.id'))
      .find((value) => value !== undefined && value !== null && value !== '');
    const services = [...new Set(tree.order.map((n) => str(n.span.service)).filter(Boolean))];
    const models = [...new Set(tree.order
      .map((n) => str(firstDefined(attr(attrsOf(n.span), 'gen_ai.response.model'), attr(attrsOf(n.span), 'gen_ai.request.model'))))
      .filter(Boolean))];

    const title = el('h2', 'trace-title');
    title.append(longText('span', 'trace-root-name', rootName));
    const facts = definitionList('trace-facts');
    addFact(facts, 'Duration', formatMs(trace.total), 'th-duration');
    addFact(facts, 'Tokens in', usage.any ? String(usage.input) : '—', 'th-tokens-in');
    addFact(facts, 'Tokens out', usage.any ? String(usage.output) : '—', 'th-tokens-out');
    const errorFact = addFact(facts, 'Errors', String(errors), 'th-errors');
    if (errors > 0) errorFact.classList.add('has-error');
    addFact(facts, 'Conversation', conversation === undefined ? '—' : clip(conversation, 1000), 'th-conversation');
    addFact(facts, 'Spans', String(tree.order.length), 'th-spans');
    addFact(facts, 'Started', formatDateTime(num(data.startEpochMs)), 'th-start');
    addFact(facts, 'Service', clip(services.join(', '), 1000), 'th-service');
    addFact(facts, 'Models', clip(models.join(', '), 1000), 'th-models');
    addFact(facts, 'Trace ID', clip(firstDefined(data.traceId, trace.id), 1000), 'th-trace-id mono');
    header.replaceChildren(title, facts);
  }

  // ---------------------------------------------------------------------------------------------
  // Trace page: the waterfall, drawn in windows of rows (a trace can hold thousands of spans)

  function recomputeVisible() {
    trace.visible = flatten(trace.roots, trace.collapsed);
    trace.visibleIndex = new Map(trace.visible.map((node, index) => [node, index]));
  }

  function renderWaterfall() {
    const waterfall = byId('waterfall');
    const body = el('div', 'wf-body');
    body.style.height = trace.visible.length * ROW_HEIGHT + 'px';
    trace.body = body;
    trace.rowEls = new Map();
    trace.windowKey = '';
    waterfall.replaceChildren(waterfallHead(), body);
    renderWindow();
  }

  function waterfallHead() {
    const head = el('div', 'wf-head');
    head.append(el('div', 'wf-head-name', 'Span'), el('div'), el('div', 'wf-head-info', 'Model / tokens'),
      el('div', 'wf-head-kind', 'Kind'), el('div', 'wf-head-duration', 'Duration'));
    // Three labels fit any width; the track's background draws a line every quarter.
    const axis = el('div', 'wf-axis');
    const ticks = [[0, 'tick tick-start'], [0.5, 'tick'], [1, 'tick tick-end']];
    for (const [fraction, className] of ticks) {
      const tick = el('span', className, formatAxis(trace.total * fraction));
      tick.style.left = fraction * 100 + '%';
      axis.append(tick);
    }
    head.append(axis);
    return head;
  }

  function formatAxis(ms) {
    if (ms === 0) return '0';
    return ms >= 1000 ? (ms / 1000).toFixed(ms >= 10000 ? 0 : 1) + ' s' : Math.round(ms) + ' ms';
  }

  function scheduleWindow() {
    if (trace.frame || !trace.body) return;
    trace.frame = window.requestAnimationFrame(() => {
      trace.frame = 0;
      renderWindow();
    });
  }

  function renderWindow() {
    const body = trace.body;
    if (!body || !body.isConnected) return;
    const waterfall = byId('waterfall');
    const count = trace.visible.length;
    const viewport = waterfall.clientHeight || 800;
    const top = Math.max(0, waterfall.scrollTop - body.offsetTop);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - ROW_MARGIN);
    const last = Math.min(count, Math.ceil((top + viewport) / ROW_HEIGHT) + ROW_MARGIN);
    const key = first + ':' + last;
    if (key === trace.windowKey) return;
    trace.windowKey = key;
    const next = new Map();
    const rows = [];
    for (let i = first; i < last; i++) {
      const row = trace.rowEls.get(i) || createSpanRow(trace.visible[i], i);
      next.set(i, row);
      rows.push(row);
    }
    trace.rowEls = next;
    // Rows stay in document order, so reading the DOM gives the depth-first order too.
    body.replaceChildren(...rows);
  }

  function createSpanRow(node, index) {
    const span = node.span;
    const row = el('div', 'span-row');
    row.dataset.spanId = str(span.spanId);
    row.dataset.parentId = node.parent ? str(span.parentSpanId) : '';
    row.dataset.depth = String(node.depth);
    row.dataset.index = String(index);
    row.style.top = index * ROW_HEIGHT + 'px';
    if (isErrorSpan(span)) row.classList.add('error');
    if (node === trace.selected) row.classList.add('selected');

    const name = el('div', 'span-name');
    name.style.paddingLeft = Math.min(node.depth, MAX_INDENT_DEPTH) * INDENT_PX + 'px';
    if (node.children.length) {
      const collapsed = trace.collapsed.has(node);
      const twisty = el('button', collapsed ? 'twisty collapsed' : 'twisty');
      twisty.type = 'button';
      twisty.tabIndex = -1;
      twisty.setAttribute('aria-label', collapsed ? 'Show child spans' : 'Hide child spans');
      twisty.setAttribute('aria-expanded', String(!collapsed));
      name.append(twisty);
    } else {
      name.append(el('span', 'twisty-spacer'));
    }
    name.append(el('span', 'name-text', clip(span.name, 1000)));
    name.title = clip(span.name, 1000);

    const status = el('span', 'span-status');
    if (isErrorSpan(span)) {
      const marker = el('span', 'error-marker', '!');
      marker.title = 'ERROR' + (span.statusMessage ? ': ' + clip(span.statusMessage, 500) : '');
      status.append(marker);
    }
    const kind = str(span.kind).toUpperCase();
    const track = el('div', 'span-track');
    const bar = el('div', 'span-bar ' + (attr(KIND_CLASSES, kind) || 'kind-other'));
    const start = Math.min(Math.max(startOf(node), 0), trace.total);
    const width = Math.min(durationOf(node), trace.total - start);
    bar.style.left = (start / trace.total * 100).toFixed(3) + '%';
    bar.style.width = (width / trace.total * 100).toFixed(3) + '%';
    track.append(bar);

    row.append(name, status, el('span', 'span-info', spanInfo(node)), el('span', 'span-kind', clip(kind, 20)),
      el('span', 'span-duration', formatMs(num(span.durationMs))), track);
    return row;
  }

  /** {@code llmetry4j.usage.cost} with its currency, '' when the span has none. */
  function spanCost(span) {
    const a = attrsOf(span);
    return formatCost(attr(a, 'llmetry4j.usage.cost'), str(attr(a, 'llmetry4j.usage.cost.currency')));
  }

  /** Whether the span is a priced call itself (chat, embeddings, re-ranking), not a sum of them. */
  function isModelCall(node) {
    const operation = str(attr(attrsOf(node.span), 'gen_ai.operation.name')).toLowerCase();
    return CHAT_OPERATIONS.has(operation) || operation === 'embeddings' || operation === 'rerank';
  }

  /** The waterfall's one-line hint: which model, how many tokens, what it cost. */
  function spanInfo(node) {
    const a = attrsOf(node.span);
    const kind = genaiKindOf(node);
    const cost = spanCost(node.span);
    if (kind !== 'chat' && kind !== 'embeddings' && kind !== 'retrieval') return cost ? 'Σ ' + cost : '';
    const model = str(firstDefined(attr(a, 'gen_ai.response.model'), attr(a, 'gen_ai.request.model')));
    const usage = usageOf(node.span);
    const parts = [];
    if (Number.isFinite(usage.input) && Number.isFinite(usage.output)) parts.push(`${usage.input}→${usage.output}`);
    else if (Number.isFinite(usage.input)) parts.push(`${usage.input} in`);
    else if (Number.isFinite(usage.output)) parts.push(`${usage.output} out`);
    if (model) parts.push(clip(model, 60));
    if (cost) parts.push(cost);
    return parts.join(' · ');
  }

  function nodeAtRow(target) {
    const row = target.closest('.span-row');
    if (!row) return null;
    return trace.visible[Number(row.dataset.index)] || null;
  }

  function onWaterfallClick(event) {
    const node = nodeAtRow(event.target);
    if (!node) return;
    if (event.target.closest('.twisty')) toggleCollapsed(node);
    else selectNode(node, {scroll: false});
  }

  function toggleCollapsed(node, collapse = !trace.collapsed.has(node)) {
    if (!node.children.length || collapse === trace.collapsed.has(node)) return;
    if (collapse) trace.collapsed.add(node);
    else trace.collapsed.delete(node);
    recomputeVisible();
    const waterfall = byId('waterfall');
    const scrollTop = waterfall.scrollTop;
    renderWaterfall();
    waterfall.scrollTop = scrollTop;
    renderWindow();
  }

  function onWaterfallKey(event) {
    const current = trace.selected ? trace.visibleIndex.get(trace.selected) : undefined;
    if (current === undefined) return;
    const moves = {
      ArrowDown: current + 1, ArrowUp: current - 1, Home: 0, End: trace.visible.length - 1,
      PageDown: current + 20, PageUp: current - 20,
    };
    if (event.key in moves) {
      event.preventDefault();
      const target = Math.min(Math.max(moves[event.key], 0), trace.visible.length - 1);
      selectNode(trace.visible[target], {scroll: true});
    } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault();
      toggleCollapsed(trace.selected, event.key === 'ArrowLeft');
    }
  }

  function selectNode(node, {scroll, keepDetail = false}) {
    trace.selected = node;
    if (!trace.visibleIndex.has(node)) {
      // Selected from the agent tree under a collapsed span: open the way to it.
      for (let p = node.parent; p; p = p.parent) trace.collapsed.delete(p);
      recomputeVisible();
      renderWaterfall();
    }
    for (const [index, row] of trace.rowEls) row.classList.toggle('selected', trace.visible[index] === node);
    if (scroll) scrollToNode(node);
    if (!keepDetail) renderDetail(node);
  }

  function scrollToNode(node) {
    const waterfall = byId('waterfall');
    const index = trace.visibleIndex.get(node);
    if (index === undefined || !trace.body) return;
    const rowTop = index * ROW_HEIGHT;
    const headHeight = trace.body.offsetTop;
    const viewport = waterfall.clientHeight - headHeight;
    if (rowTop < waterfall.scrollTop || rowTop + ROW_HEIGHT > waterfall.scrollTop + viewport) {
      waterfall.scrollTop = Math.max(0, rowTop - viewport / 2);
    }
    renderWindow();
  }

  // ---------------------------------------------------------------------------------------------
  // Detail panel

  function renderDetail(node) {
    const detail = byId('detail');
    const span = node.span;
    const parts = [];
    if (isErrorSpan(span)) parts.push(errorBox(span));
    const title = el('h2', 'detail-name');
    title.append(longText('span', 'detail-name-text', str(span.name)));
    parts.push(title, spanFacts(node));
    const view = genaiView(node);
    if (view) parts.push(view);
    parts.push(el('h3', 'section-title', 'Attributes'), attributesTable(attrsOf(span)));
    parts.push(el('h3', 'section-title', 'Events'), eventsList(span));
    detail.replaceChildren(...parts);
    detail.scrollTop = 0;
  }

  function errorBox(span) {
    const a = attrsOf(span);
    const exception = (Array.isArray(span.events) ? span.events : [])
      .find((event) => isObject(event) && event.name === 'exception');
    const exceptionAttrs = attrsOf(exception);
    const box = el('div', 'error-box');
    box.append(el('div', 'error-title', 'Error'));
    const type = firstDefined(attr(a, 'error.type'), attr(exceptionAttrs, 'exception.type'));
    if (type !== undefined) {
      const line = el('div', 'error-line');
      line.append(el('span', 'error-label', 'error.type '));
      line.append(longText('span', 'error-type', str(type)));
      box.append(line);
    }
    const message = firstDefined(span.statusMessage, attr(exceptionAttrs, 'exception.message'));
    if (message !== undefined) box.append(longText('div', 'error-message', str(message)));
    return box;
  }

  function spanFacts(node) {
    const span = node.span;
    const facts = definitionList('span-meta');
    addFact(facts, 'Kind', clip(span.kind, 40));
    addFact(facts, 'Service', clip(span.service, 1000));
    addFact(facts, 'Scope', clip(span.scope, 1000));
    const status = addFact(facts, 'Status', clip(span.status || 'UNSET', 40), 'status');
    if (isErrorSpan(span)) status.classList.add('status-error');
    if (span.statusMessage) {
      status.querySelector('dd').append(longText('div', 'status-message', str(span.statusMessage)));
    }
    const offset = num(span.startOffsetMs);
    const absolute = formatDateTime(num(trace.data.startEpochMs) + offset);
    addFact(facts, 'Start', Number.isFinite(offset) ? `+${formatMs(offset)}${absolute ? ' (' + absolute + ')' : ''}` : '');
    addFact(facts, 'Duration', formatMs(num(span.durationMs)));
    // A model call's own cost; on an agent, workflow or ingestion the sum of the calls under it.
    addFact(facts, isModelCall(node) ? 'Cost' : 'Cost of its calls', spanCost(span), 'span-cost');
    addFact(facts, 'Span ID', clip(span.spanId, 200), 'mono');
    if (span.parentSpanId) {
      addFact(facts, 'Parent', clip(span.parentSpanId, 200) + (node.parent ? '' : ' (not in this trace)'), 'mono');
    }
    return facts;
  }

  function attributeText(value) {
    if (Array.isArray(value) || isObject(value)) return safeStringify(value);
    return str(value);
  }

  function attributesTable(attributes, className = 'attributes') {
    const keys = Object.keys(attributes).sort();
    if (!keys.length) return el('p', 'muted', 'No attributes.');
    const table = el('table', className);
    const body = el('tbody');
    for (const key of keys) {
      const row = el('tr');
      const th = el('th', 'attr-key');
      th.scope = 'row';
      th.append(key.length > MAX_LABEL_CHARS ? longText('span', 'attr-key-text', key) : dottedKey(key));
      const td = el('td', 'attr-value');
      td.append(longText('div', 'value-text', attributeText(attributes[key])));
      row.append(th, td);
      body.append(row);
    }
    table.append(body);
    return table;
  }

  /** The key as text, with a line-break chance after each dot instead of mid-word breaks. */
  function dottedKey(key) {
    const holder = el('span', 'attr-key-text');
    key.split('.').forEach((piece, index, pieces) => {
      holder.append(document.createTextNode(index < pieces.length - 1 ? piece + '.' : piece));
      if (index < pieces.length - 1) holder.append(document.createElement('wbr'));
    });
    return holder;
  }

  function eventsList(span) {
    const events = (Array.isArray(span.events) ? span.events : []).filter(isObject);
    if (!events.length) return el('p', 'muted', 'No events.');
    const list = el('ol', 'events');
    for (const event of events.slice(0, MAX_EVENTS_SHOWN)) {
      const item = el('li', 'event');
      const head = el('div', 'event-head');
      head.append(el('span', 'event-name', clip(event.name, 1000)));
      const offset = num(event.offsetMs);
      if (Number.isFinite(offset)) head.append(el('span', 'event-offset', '+' + formatMs(offset)));
      item.append(head);
      if (Object.keys(attrsOf(event)).length) item.append(attributesTable(attrsOf(event), 'event-attributes'));
      list.append(item);
    }
    const fragment = document.createDocumentFragment();
    fragment.append(list);
    if (events.length > MAX_EVENTS_SHOWN) {
      fragment.append(el('p', 'muted', `${events.length - MAX_EVENTS_SHOWN} more events not shown.`));
    }
    return fragment;
  }

  // ---------------------------------------------------------------------------------------------
  // GenAI views

  function hasRetrievalData(span) {
    const a = attrsOf(span);
    if (attr(a, 'gen_ai.retrieval.documents') !== undefined) return true;
    if (attr(a, 'llmetry4j.rag.contents.scores') !== undefined) return true;
    if (attr(a, 'llmetry4j.rerank.scores') !== undefined) return true;
    return (Array.isArray(span.events) ? span.events : [])
      .some((event) => isObject(event) && event.name === 'db.query.result');
  }

  /** chat | tool | retrieval | agent | embeddings | null, after the semconv operation name first. */
  function genaiKind(span) {
    const a = attrsOf(span);
    const operation = str(attr(a, 'gen_ai.operation.name')).toLowerCase();
    if (CHAT_OPERATIONS.has(operation)) return 'chat';
    if (operation === 'execute_tool') return 'tool';
    if (AGENT_OPERATIONS.has(operation)) return 'agent';
    if (operation === 'retrieval' || operation === 'rerank') return 'retrieval';
    if (operation === 'embeddings') return 'embeddings';
    if (hasRetrievalData(span)) return 'retrieval';
    if (!operation) {
      const requestType = str(attr(a, 'llm.request.type')).toLowerCase();
      if (requestType === 'chat' || requestType === 'completion') return 'chat';
      if (requestType === 'rerank') return 'retrieval';
      if (requestType === 'embedding') return 'embeddings';
      const spanKind = str(attr(a, 'traceloop.span.kind')).toLowerCase();
      if (spanKind === 'tool') return 'tool';
      if (spanKind === 'agent' || spanKind === 'workflow') return 'agent';
    }
    const name = str(span.name).toLowerCase();
    if (name.startsWith('search') || name.startsWith('retrieval') || name.startsWith('web_search')) {
      return 'retrieval';
    }
    return null;
  }

  function genaiKindOf(node) {
    if (node.kind === undefined) node.kind = genaiKind(node.span);
    return node.kind;
  }

  function genaiView(node) {
    switch (genaiKindOf(node)) {
      case 'chat': return chatView(node.span);
      case 'tool': return toolView(node.span);
      case 'retrieval': return retrievalView(node.span);
      case 'agent': return agentView(node);
      case 'embeddings': return embeddingsView(node.span);
      default: return null;
    }
  }

  function captureOff() {
    return el('div', 'capture-off', CAPTURE_OFF_TEXT);
  }

  function chatView(span) {
    const box = el('section', 'genai genai-chat');
    box.append(el('h3', 'section-title', 'Model call'), usageBlock(span));
    const conversation = conversationOf(span);
    box.append(conversation ? conversationBlock(conversation) : captureOff());
    return box;
  }

  function embeddingsView(span) {
    const box = el('section', 'genai genai-embeddings');
    box.append(el('h3', 'section-title', 'Embeddings'), usageBlock(span));
    return box;
  }

  function usageBlock(span) {
    const a = attrsOf(span);
    const usage = definitionList('usage');
    const get = (key) => attr(a, key);
    const finish = get('gen_ai.response.finish_reasons');
    const ttfc = num(get('gen_ai.response.time_to_first_chunk'));
    addFact(usage, 'Input tokens', formatInt(firstDefined(get('gen_ai.usage.input_tokens'), get('gen_ai.usage.prompt_tokens'))), 'usage-input');
    addFact(usage, 'Output tokens', formatInt(firstDefined(get('gen_ai.usage.output_tokens'), get('gen_ai.usage.completion_tokens'))), 'usage-output');
    addFact(usage, 'Cached input', formatInt(get('gen_ai.usage.cache_read.input_tokens')), 'usage-cached');
    addFact(usage, 'Cache write', formatInt(firstDefined(get('gen_ai.usage.cache_creation.input_tokens'), get('gen_ai.usage.cache_write.input_tokens'))), 'usage-cache-write');
    addFact(usage, 'Reasoning', formatInt(get('gen_ai.usage.reasoning.output_tokens')), 'usage-reasoning');
    addFact(usage, 'Time to first chunk', Number.isFinite(ttfc) ? formatMs(ttfc * 1000) : '', 'usage-ttfc');
    addFact(usage, 'Finish reasons', Array.isArray(finish) ? finish.map(str).join(', ') : str(finish), 'usage-finish');
    addFact(usage, 'Request model', clip(get('gen_ai.request.model'), 500), 'usage-request-model');
    addFact(usage, 'Response model', clip(get('gen_ai.response.model'), 500), 'usage-response-model');
    addFact(usage, 'Provider', clip(firstDefined(get('gen_ai.provider.name'), get('gen_ai.system')), 500), 'usage-provider');
    addFact(usage, 'Temperature', str(get('gen_ai.request.temperature')), 'usage-temperature');
    addFact(usage, 'Max tokens', formatInt(get('gen_ai.request.max_tokens')), 'usage-max-tokens');
    addFact(usage, 'Embedding size', formatInt(get('gen_ai.embeddings.dimension.count')), 'usage-dimensions');
    if (!usage.children.length) usage.append(el('div', 'muted', 'No usage recorded.'));
    return usage;
  }

  // --- Conversations: semconv JSON attributes, then OpenLLMetry's flat keys, then the event ---

  function conversationOf(span) {
    const fromAttributes = semconvMessages(attrsOf(span));
    if (fromAttributes) return {source: 'span attributes', messages: fromAttributes};
    const flat = openLlmetryMessages(attrsOf(span));
    if (flat) return {source: 'OpenLLMetry attributes', messages: flat};
    for (const event of Array.isArray(span.events) ? span.events : []) {
      if (!isObject(event) || event.name !== DETAILS_EVENT) continue;
      const fromEvent = semconvMessages(attrsOf(event));
      if (fromEvent) return {source: 'event ' + DETAILS_EVENT, messages: fromEvent};
    }
    return null;
  }

  function semconvMessages(attributes) {
    const system = attr(attributes, 'gen_ai.system_instructions');
    const input = attr(attributes, 'gen_ai.input.messages');
    const output = attr(attributes, 'gen_ai.output.messages');
    if (system === undefined && input === undefined && output === undefined) return null;
    const messages = [];
    if (system !== undefined) messages.push(systemMessage(system));
    if (input !== undefined) messages.push(...messageList(input, false, 'gen_ai.input.messages'));
    if (output !== undefined) messages.push(...messageList(output, true, 'gen_ai.output.messages'));
    return messages;
  }

  function unparsedPart(raw, key) {
    return {type: '__unparsed', key, raw};
  }

  function systemMessage(value) {
    const parsed = parseJson(value);
    let parts;
    if (!parsed.ok) parts = [unparsedPart(value, 'gen_ai.system_instructions')];
    else if (Array.isArray(parsed.value)) parts = parsed.value;
    else if (isObject(parsed.value) && Array.isArray(parsed.value.parts)) parts = parsed.value.parts;
    else parts = [{type: 'text', content: str(parsed.value)}];
    return {role: 'system', parts, output: false};
  }

  function messageList(value, output, key) {
    const parsed = parseJson(value);
    if (!parsed.ok) return [{role: output ? 'output' : 'input', parts: [unparsedPart(value, key)], output}];
    let items = parsed.value;
    if (!Array.isArray(items)) items = [items];
    return items.map((item) => normalizeMessage(item, output));
  }

  function normalizeMessage(message, output) {
    if (!isObject(message)) return {role: 'unknown', parts: [{type: 'text', content: str(message)}], output};
    let parts = Array.isArray(message.parts) ? message.parts : [];
    if (!parts.length && message.content !== undefined && message.content !== null) {
      parts = Array.isArray(message.content) ? message.content : [{type: 'text', content: str(message.content)}];
    }
    return {
      role: typeof message.role === 'string' && message.role ? message.role : 'unknown',
      name: message.name,
      finishReason: message.finish_reason,
      parts,
      output,
    };
  }

  function openLlmetryMessages(attributes) {
    const groups = {prompt: new Map(), completion: new Map()};
    for (const key of Object.keys(attributes)) {
      const match = FLAT_MESSAGE_KEY.exec(key);
      if (!match) continue;
      const group = groups[match[1]];
      const index = Number(match[2]);
      let entry = group.get(index);
      if (!entry) {
        entry = {fields: new Map(), calls: new Map()};
        group.set(index, entry);
      }
      const call = FLAT_TOOL_CALL_KEY.exec(match[3]);
      if (call) {
        const callIndex = Number(call[1]);
        if (!entry.calls.has(callIndex)) entry.calls.set(callIndex, new Map());
        entry.calls.get(callIndex).set(call[2], attributes[key]);
      } else {
        entry.fields.set(match[3], attributes[key]);
      }
    }
    if (!groups.prompt.size && !groups.completion.size) return null;
    return [...flatGroup(groups.prompt, false), ...flatGroup(groups.completion, true)];
  }

  function flatGroup(group, output) {
    return [...group.keys()].sort((a, b) => a - b).map((index) => {
      const {fields, calls} = group.get(index);
      const parts = [];
      if (fields.has('content')) parts.push({type: 'text', content: str(fields.get('content'))});
      for (const callIndex of [...calls.keys()].sort((a, b) => a - b)) {
        const call = calls.get(callIndex);
        parts.push({type: 'tool_call', id: call.get('id'), name: call.get('name'), arguments: call.get('arguments')});
      }
      return {
        role: str(fields.get('role')) || (output ? 'assistant' : 'user'),
        finishReason: fields.get('finish_reason'),
        toolCallId: fields.get('tool_call_id'),
        parts,
        output,
      };
    });
  }

  function conversationBlock(conversation) {
    const box = el('div', 'conversation');
    box.append(el('div', 'conversation-source', 'From ' + conversation.source));
    for (const message of conversation.messages) box.append(messageElement(message));
    if (!conversation.messages.length) box.append(el('p', 'muted', 'No messages.'));
    return box;
  }

  function messageElement(message) {
    const role = clip(message.role, 60);
    const box = el('div', message.output ? 'message output' : 'message');
    box.dataset.role = role;
    const head = el('div', 'message-head');
    head.append(el('span', 'message-role', role));
    if (message.name) head.append(el('span', 'message-name', clip(message.name, 200)));
    if (message.output) head.append(el('span', 'message-tag', 'output'));
    if (message.toolCallId) head.append(el('span', 'message-call-id', 'call ' + clip(message.toolCallId, 200)));
    if (message.finishReason) head.append(el('span', 'finish-reason', 'finish: ' + clip(message.finishReason, 200)));
    box.append(head);
    for (const part of message.parts) box.append(partElement(part));
    if (!message.parts.length) box.append(el('div', 'muted', '(no content)'));
    return box;
  }

  function partElement(part) {
    if (!isObject(part)) return longText('div', 'message-content', str(part));
    switch (part.type) {
      case 'text':
        return longText('div', 'message-content', str(part.content));
      case 'tool_call':
        return toolCallElement(part);
      case 'tool_call_response':
        return toolResponseElement(part);
      case 'reasoning':
        return reasoningElement(part);
      case '__unparsed':
        return unparsedElement(part);
      default:
        return otherPartElement(part);
    }
  }

  function toolCallElement(part) {
    const box = el('div', 'tool-call');
    const head = el('div', 'tool-call-head');
    head.append(el('span', 'part-label', 'tool call'), el('span', 'tool-name', clip(part.name, 500)));
    if (part.id !== undefined && part.id !== null) head.append(el('span', 'tool-call-id', clip(part.id, 200)));
    box.append(head);
    if (part.arguments !== undefined) box.append(longText('pre', 'tool-args', prettyJson(part.arguments)));
    return box;
  }

  function toolResponseElement(part) {
    const box = el('div', 'tool-response');
    const head = el('div', 'tool-response-head');
    head.append(el('span', 'part-label', 'tool result'));
    if (part.id !== undefined && part.id !== null) head.append(el('span', 'tool-call-id', clip(part.id, 200)));
    box.append(head, longText('pre', 'tool-response-body', prettyJson(part.response)));
    return box;
  }

  function reasoningElement(part) {
    const details = el('details', 'reasoning');
    details.append(el('summary', null, 'Reasoning'), longText('div', 'reasoning-content', str(part.content)));
    return details;
  }

  function unparsedElement(part) {
    const box = el('div', 'unparsed');
    box.append(el('div', 'muted', `${part.key} is not valid JSON (it may have been cut at the length limit); its text:`));
    box.append(longText('pre', 'unparsed-text', str(part.raw)));
    return box;
  }

  function otherPartElement(part) {
    const box = el('div', 'part-other');
    box.append(el('div', 'part-label', clip(part.type === undefined ? 'part' : part.type, 200)));
    box.append(longText('pre', 'part-json', prettyJson(part)));
    return box;
  }

  // --- Tools ---

  function toolView(span) {
    const a = attrsOf(span);
    const box = el('section', 'genai genai-tool');
    box.append(el('h3', 'section-title', 'Tool call'));
    const facts = definitionList('tool-facts');
    addFact(facts, 'Tool', clip(firstDefined(attr(a, 'gen_ai.tool.name'), attr(a, 'traceloop.entity.name')), 500), 'tool-name');
    addFact(facts, 'Call ID', clip(attr(a, 'gen_ai.tool.call.id'), 500), 'tool-call-id mono');
    addFact(facts, 'Type', clip(attr(a, 'gen_ai.tool.type'), 100));
    addFact(facts, 'Description', str(attr(a, 'gen_ai.tool.description')));
    box.append(facts);
    const args = firstDefined(attr(a, 'gen_ai.tool.call.arguments'), attr(a, 'traceloop.entity.input'));
    const result = firstDefined(attr(a, 'gen_ai.tool.call.result'), attr(a, 'traceloop.entity.output'));
    if (args === undefined && result === undefined) {
      box.append(captureOff());
      return box;
    }
    if (args !== undefined) box.append(el('h4', 'part-title', 'Arguments'), longText('pre', 'tool-args', prettyJson(args)));
    if (result !== undefined) box.append(el('h4', 'part-title', 'Result'), longText('pre', 'tool-result', prettyJson(result)));
    return box;
  }

  // --- Retrieval, search, re-ranking ---

  function retrievalView(span) {
    const a = attrsOf(span);
    const box = el('section', 'genai genai-documents');
    box.append(el('h3', 'section-title', 'Retrieval'));
    const query = attr(a, 'gen_ai.retrieval.query.text');
    if (query !== undefined) {
      box.append(el('h4', 'part-title', 'Query'), longText('div', 'retrieval-query', str(query)));
    }
    const facts = definitionList('retrieval-facts');
    addFact(facts, 'Data source', clip(attr(a, 'gen_ai.data_source.id'), 500));
    for (const [key, label] of RETRIEVAL_COUNTS) addFact(facts, label, formatInt(attr(a, key)), 'count');
    if (facts.children.length) box.append(facts);
    const documents = documentsOf(span);
    box.append(documents.rows.length ? documentsTable(documents)
      : el('p', 'muted', 'No documents recorded (content capture may be off).'));
    return box;
  }

  function documentsOf(span) {
    const a = attrsOf(span);
    let rows = [];
    const semconv = attr(a, 'gen_ai.retrieval.documents');
    if (semconv !== undefined) {
      const parsed = parseJson(semconv);
      const items = parsed.ok && Array.isArray(parsed.value) ? parsed.value : [];
      rows = items.map((item) => (isObject(item)
        ? {id: item.id, score: item.score, text: firstDefined(item.content, item.text)}
        : {text: str(item)}));
    }
    if (!rows.length) {
      const scores = asArray(attr(a, 'llmetry4j.rag.contents.scores'));
      const texts = asArray(attr(a, 'llmetry4j.rag.contents.texts'));
      for (let i = 0; i < Math.max(scores.length, texts.length); i++) rows.push({score: scores[i], text: texts[i]});
    }
    if (!rows.length) {
      for (const event of Array.isArray(span.events) ? span.events : []) {
        if (!isObject(event) || event.name !== 'db.query.result') continue;
        const ea = attrsOf(event);
        rows.push({id: attr(ea, 'db.query.result.id'), score: attr(ea, 'db.query.result.score'),
          text: attr(ea, 'db.query.result.document')});
      }
    }
    const rerank = asArray(attr(a, 'llmetry4j.rerank.scores'));
    let hasRerank = false;
    if (rerank.length && !rows.length) {
      rows = rerank.map((score) => ({score}));
    } else if (rerank.length === rows.length && rows.length) {
      rows.forEach((row, i) => { row.rerank = rerank[i]; });
      hasRerank = true;
    }
    return {rows, hasRerank};
  }

  function documentsTable({rows, hasRerank}) {
    const table = el('table', 'documents');
    const head = el('tr');
    const headings = ['#', 'ID', 'Score'].concat(hasRerank ? ['Re-rank'] : [], ['Text']);
    for (const heading of headings) head.append(el('th', null, heading));
    const thead = el('thead');
    thead.append(head);
    const body = el('tbody');
    rows.slice(0, MAX_DOCUMENTS_SHOWN).forEach((row, index) => {
      const tr = el('tr', 'document');
      tr.append(el('td', 'doc-rank', String(index + 1)), el('td', 'doc-id', clip(row.id, 300)),
        el('td', 'doc-score', row.score === undefined ? '' : formatScore(row.score)));
      if (hasRerank) tr.append(el('td', 'doc-rerank', formatScore(row.rerank)));
      const text = el('td', 'doc-text-cell');
      if (row.text !== undefined && row.text !== null) text.append(longText('div', 'doc-text', str(row.text)));
      tr.append(text);
      body.append(tr);
    });
    table.append(thead, body);
    if (rows.length <= MAX_DOCUMENTS_SHOWN) return table;
    const fragment = document.createDocumentFragment();
    fragment.append(table, el('p', 'muted', `${rows.length - MAX_DOCUMENTS_SHOWN} more documents not shown.`));
    return fragment;
  }

  // --- Agents and workflows ---

  function agentView(node) {
    const a = attrsOf(node.span);
    const box = el('section', 'genai genai-agent');
    const operation = str(attr(a, 'gen_ai.operation.name'));
    const isWorkflow = operation === 'invoke_workflow' || str(attr(a, 'traceloop.span.kind')) === 'workflow';
    box.append(el('h3', 'section-title', isWorkflow ? 'Workflow' : 'Agent'));
    const facts = definitionList('agent-facts');
    addFact(facts, 'Agent', clip(attr(a, 'gen_ai.agent.name'), 500), 'agent-name');
    addFact(facts, 'Workflow', clip(firstDefined(attr(a, 'gen_ai.workflow.name'), attr(a, 'traceloop.workflow.name')), 500), 'workflow-name');
    if (!facts.children.length) addFact(facts, 'Name', clip(attr(a, 'traceloop.entity.name'), 500), 'agent-name');
    addFact(facts, 'Agent ID', clip(attr(a, 'gen_ai.agent.id'), 500), 'mono');
    addFact(facts, 'Description', str(attr(a, 'gen_ai.agent.description')));
    addFact(facts, 'Topology', clip(attr(a, 'llmetry4j.agentic.topology'), 100));
    box.append(facts);
    const entries = agentTreeEntries(node);
    box.append(el('h4', 'part-title', 'Steps'));
    box.append(entries.length ? agentTree(entries) : el('p', 'muted', 'No agent, tool or model calls below this span.'));
    if (entries.length >= MAX_AGENT_NODES) {
      box.append(el('p', 'muted', `Only the first ${MAX_AGENT_NODES} steps are listed; the waterfall has them all.`));
    }
    const conversation = conversationOf(node.span);
    if (conversation) box.append(el('h4', 'part-title', 'Input and output'), conversationBlock(conversation));
    return box;
  }

  /** Agent, workflow, tool and chat spans below `root`; spans in between are skipped, not shown. */
  function agentTreeEntries(root) {
    const entries = [];
    const stack = root.children.slice().reverse().map((child) => [child, 0]);
    while (stack.length && entries.length < MAX_AGENT_NODES) {
      const [node, depth] = stack.pop();
      const kind = genaiKindOf(node);
      const shown = kind === 'agent' || kind === 'tool' || kind === 'chat';
      if (shown) entries.push({node, depth, kind});
      for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i], shown ? depth + 1 : depth]);
    }
    return entries;
  }

  function agentTree(entries) {
    const list = el('ul', 'agent-tree');
    for (const {node, depth, kind} of entries) {
      const item = el('li', 'agent-node');
      item.dataset.spanId = str(node.span.spanId);
      item.dataset.depth = String(depth);
      item.tabIndex = 0;
      item.style.paddingLeft = Math.min(depth, MAX_INDENT_DEPTH) * INDENT_PX + 6 + 'px';
      if (isErrorSpan(node.span)) item.classList.add('error');
      item.append(el('span', 'agent-kind', kind === 'agent' ? 'agent' : kind === 'tool' ? 'tool' : 'model'),
        el('span', 'agent-node-name', clip(node.span.name, 500)),
        el('span', 'agent-node-duration', formatMs(num(node.span.durationMs))));
      const select = () => selectNode(node, {scroll: true});
      item.addEventListener('click', select);
      item.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') select();
      });
      list.append(item);
    }
    return list;
  }

  // ---------------------------------------------------------------------------------------------
  // Summary per model

  const summary = {controller: null};

  function enterSummary() {
    loadSummary();
    refreshStoreStatus();
  }

  async function loadSummary() {
    if (summary.controller) summary.controller.abort();
    const controller = new AbortController();
    summary.controller = controller;
    let data;
    try {
      data = await getJson('summary', controller.signal);
    } catch (error) {
      if (isAbort(error) || (error instanceof HttpError && (error.status === 401 || error.status === 403))) return;
      showAppError(`Could not load the summary (${describeError(error)}).`);
      return;
    }
    if (controller !== summary.controller) return;
    clearAppError();
    renderSummary(data);
  }

  function renderSummary(data) {
    const models = Array.isArray(data.models) ? data.models.filter(isObject) : [];
    const axis = chartAxis(models);
    const tbody = byId('summary-table').tBodies[0];
    tbody.replaceChildren(...models.map((model) => summaryRow(model, axis)));
    byId('summary-empty').hidden = models.length > 0;
  }

  function summaryRow(model, axis) {
    const row = el('tr', 'model-row');
    row.dataset.model = clip(model.model, 500);
    const latency = isObject(model.latencyMs) ? model.latencyMs : {};
    const errors = num(model.errors);
    if (errors > 0) row.classList.add('has-error');
    row.append(
      el('td', 'provider', clip(model.provider, 500)),
      el('td', 'model', clip(model.model, 500)),
      el('td', 'calls num', formatInt(model.calls)),
      el('td', 'tokens-in num', formatInt(model.inputTokens)),
      el('td', 'tokens-out num', formatInt(model.outputTokens)),
      el('td', 'errors num', formatInt(model.errors)),
      el('td', 'p50 num', formatMs(num(latency.p50))),
      el('td', 'p90 num', formatMs(num(latency.p90))),
      el('td', 'p99 num', formatMs(num(latency.p99))));
    const chartCell = el('td', 'activity');
    chartCell.append(activityChart(Array.isArray(model.series) ? model.series : [], axis));
    row.append(chartCell);
    return row;
  }

  /** One time axis for every model's chart, ending at the newest minute, so rows compare. */
  function chartAxis(models) {
    let latest = -Infinity;
    for (const model of models) {
      for (const point of Array.isArray(model.series) ? model.series : []) {
        const minute = num(isObject(point) ? point.minuteEpochMs : NaN);
        if (minute > latest) latest = minute;
      }
    }
    if (!Number.isFinite(latest)) return null;
    const end = Math.floor(latest / MINUTE_MS) * MINUTE_MS;
    return {start: end - (CHART_MINUTES - 1) * MINUTE_MS, end};
  }

  function svg(tag, attributes) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    return node;
  }

  function activityChart(series, axis) {
    if (!axis) return el('span', 'muted', '—');
    const width = 180;
    const height = 28;
    const slot = width / CHART_MINUTES;
    const buckets = new Map();
    for (const point of series) {
      if (!isObject(point)) continue;
      const minute = Math.floor(num(point.minuteEpochMs) / MINUTE_MS) * MINUTE_MS;
      if (!(minute >= axis.start && minute <= axis.end)) continue;
      const bucket = buckets.get(minute) || {calls: 0, errors: 0};
      bucket.calls += Math.max(0, num(point.calls) || 0);
      bucket.errors += Math.max(0, num(point.errors) || 0);
      buckets.set(minute, bucket);
    }
    let peak = 1;
    for (const bucket of buckets.values()) peak = Math.max(peak, bucket.calls, bucket.errors);
    const chart = svg('svg', {
      class: 'activity-chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': `Calls and errors per minute, last ${CHART_MINUTES} minutes (peak ${peak} calls)`,
    });
    chart.append(svg('line', {class: 'chart-baseline', x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5}));
    for (const [minute, bucket] of [...buckets.entries()].sort((a, b) => a[0] - b[0])) {
      const x = ((minute - axis.start) / MINUTE_MS) * slot;
      const group = svg('g');
      const title = svg('title');
      title.textContent = `${formatClock(new Date(minute)).slice(0, 5)}: ${bucket.calls} calls, ${bucket.errors} errors`;
      group.append(title);
      const callsHeight = Math.max(bucket.calls > 0 ? 1 : 0, (bucket.calls / peak) * (height - 2));
      group.append(svg('rect', {class: 'bar-calls', x: x.toFixed(2), y: (height - callsHeight).toFixed(2),
        width: Math.max(1, slot - 0.6).toFixed(2), height: callsHeight.toFixed(2)}));
      if (bucket.errors > 0) {
        const errorsHeight = Math.max(1, (bucket.errors / peak) * (height - 2));
        group.append(svg('rect', {class: 'bar-errors', x: x.toFixed(2), y: (height - errorsHeight).toFixed(2),
          width: Math.max(1, slot - 0.6).toFixed(2), height: errorsHeight.toFixed(2)}));
      }
      chart.append(group);
    }
    return chart;
  }

  // ---------------------------------------------------------------------------------------------
  // Start

  function start() {
    wireList();
    const waterfall = byId('waterfall');
    waterfall.addEventListener('scroll', scheduleWindow, {passive: true});
    waterfall.addEventListener('click', onWaterfallClick);
    waterfall.addEventListener('keydown', onWaterfallKey);
    window.addEventListener('resize', () => {
      trace.windowKey = '';
      scheduleWindow();
    });
    window.addEventListener('hashchange', onRouteChange);
    document.addEventListener('visibilitychange', onVisibilityChange);
    onRouteChange();
    poll();
  }

  start();
})();

// Leian 类案检索 web page: plain JavaScript over the JSON API. Server text is only ever inserted as text
// nodes (never as HTML), so a judgment cannot inject markup into the page.
"use strict";

const ROLE_NAMES = { judge: "承办法官", committee: "审判委员会", management: "审判管理", admin: "系统管理员" };
const AUTHORITY_NAMES = {
  spc_guiding: "指导性案例", spc_gazette: "公报案例", spp_guiding: "检察指导案例", judgment: "裁判文书",
};
const CHARGE_SOURCES = { given: "输入", draft: "文书载明", inferred: "推断", none: "" };
const SECTION_NAMES = {
  header: "标题", parties: "当事人", claims: "诉辩意见", facts: "查明事实", reasoning: "本院认为",
  result: "裁判结果", judges: "审判组织", tail: "附录",
};

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("leian-token") || "";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== "") {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { "Authorization": `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    let message = `请求失败（${response.status}）`;
    try {
      const data = await response.json();
      if (data.error && data.error.message) message = data.error.message;
    } catch (_) { /* not JSON */ }
    if (response.status === 401) logout();
    throw new Error(message);
  }
  return response;
}

// --- login and tabs ----------------------------------------------------------------------------------------
const TAB_PERMISSIONS = {
  "search-panel": "search", "report-panel": "search", "outcome-panel": "expect_outcome",
  "dashboard-panel": "audit_summary",
};
let permissions = new Set();

function showTab(id) {
  for (const panel of document.querySelectorAll(".tab-panel")) panel.hidden = panel.id !== id;
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.tab === id);
  if (id === "dashboard-panel") loadDashboard();
}

async function login() {
  const me = await (await api("GET", "/api/me")).json();
  sessionStorage.setItem("leian-token", token);
  $("who-name").textContent = me.name;
  $("who-role").textContent = ROLE_NAMES[me.role] || me.role;
  $("who").hidden = false;
  $("login-panel").hidden = true;
  permissions = new Set(me.permissions);
  const allowed = [];
  for (const tab of document.querySelectorAll(".tab")) {
    tab.hidden = !permissions.has(TAB_PERMISSIONS[tab.dataset.tab]);
    if (!tab.hidden) allowed.push(tab.dataset.tab);
  }
  $("tabs").hidden = false;
  $("admin-panel").hidden = !permissions.has("ingest");
  $("latest-block").hidden = !permissions.has("read_audit_log");
  $("export").hidden = !permissions.has("export");
  for (const id of ["report-export-docx", "report-export-json"]) $(id).hidden = !permissions.has("export");
  showError("");
  showTab(allowed[0]);
}

function logout() {
  token = "";
  permissions = new Set();
  sessionStorage.removeItem("leian-token");
  $("who").hidden = true;
  $("login-panel").hidden = false;
  $("tabs").hidden = true;
  for (const panel of document.querySelectorAll(".tab-panel")) panel.hidden = true;
  $("case-view").hidden = true;
  $("results").replaceChildren();
  $("analysis").hidden = true;
  $("report-result").hidden = true;
  $("expectation").hidden = true;
  $("consistency").hidden = true;
}

// --- search ------------------------------------------------------------------------------------------------
function searchRequest() {
  const list = (value) => value.split(/[、,，;；\s]+/).map((s) => s.trim()).filter(Boolean);
  const levels = [...document.querySelectorAll("input[name=court_level]:checked")].map((c) => c.value);
  const filters = { court_levels: levels, provinces: list($("province").value) };
  if ($("authority").value) filters.authorities = [$("authority").value];
  if ($("domain").value) filters.domains = [$("domain").value];
  if ($("date-from").value) filters.date_from = $("date-from").value;
  if ($("date-to").value) filters.date_to = $("date-to").value;
  return { text: $("query").value, k: Number($("k").value), charges: list($("charges").value), filters };
}

function highlighted(passage, terms) {
  // The passage with every highlight term wrapped in <mark>, built from text nodes.
  const span = el("span");
  const wanted = [...new Set(terms)].filter(Boolean).sort((a, b) => b.length - a.length);
  if (!wanted.length) {
    span.textContent = passage;
    return span;
  }
  const pattern = new RegExp(wanted.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  let last = 0;
  for (const match of passage.matchAll(pattern)) {
    span.append(passage.slice(last, match.index), el("mark", {}, match[0]));
    last = match.index + match[0].length;
  }
  span.append(passage.slice(last));
  return span;
}

function renderHit(hit) {
  const e = hit.explanation;
  const title = el("h3", {}, el("span", { class: "rank" }, `${hit.rank}.`), hit.title || hit.id);
  if (hit.authority && hit.authority !== "judgment") {
    title.append(el("span", { class: "badge" }, AUTHORITY_NAMES[hit.authority] || hit.authority));
  }
  const meta = [hit.court, hit.court_level && `${hit.court_level}法院`, hit.date, hit.case_number]
    .filter(Boolean).join(" · ");
  const item = el("li", { class: "hit", "data-id": hit.id }, title,
    el("div", { class: "meta-line" }, `${meta}　相似度 ${hit.score.toFixed(3)}`));
  if (e) {
    item.append(el("p", { class: "reason" }, el("strong", {}, "相似理由："), e.summary));
    if (e.basic_facts.passage) {
      item.append(el("div", { class: "dimension facts" }, el("b", {}, "基本事实"),
        highlighted(e.basic_facts.passage, e.basic_facts.highlights)));
    }
    if (e.dispute_focus.passage) {
      item.append(el("div", { class: "dimension dispute" }, el("b", {}, "争议焦点"),
        highlighted(e.dispute_focus.passage, e.dispute_focus.highlights)));
    }
    const law = e.legal_application;
    const lawParts = [];
    if (law.case_charges.length) lawParts.push(`罪名/案由：${law.case_charges.join("、")}`);
    if (law.case_articles.length) lawParts.push(`援引刑法第${law.case_articles.join("、")}条`);
    if (law.shared_articles.length) lawParts.push(`（共同援引第${law.shared_articles.join("、")}条）`);
    if (law.lending && law.lending.length) lawParts.push(`借贷要素：${law.lending.join("；")}`);
    if (lawParts.length || law.holding) {
      item.append(el("div", { class: "dimension law" }, el("b", {}, "法律适用"), lawParts.join(" "),
        law.holding ? el("div", { class: "holding" }, `裁判要点：${law.holding}`) : null));
    }
  }
  item.append(el("button", { type: "button", class: "link open-case", onclick: () => openCase(hit.id) }, "查看全文"));
  return item;
}

async function search(event) {
  event.preventDefault();
  const button = $("search");
  button.disabled = true;
  showError("");
  try {
    const result = await (await api("POST", "/api/search", searchRequest())).json();
    const a = result.analysis;
    const charges = Object.entries(a.charges).slice(0, 3).map(([c, p]) => `${c}（${p.toFixed(2)}）`).join("、");
    const source = CHARGE_SOURCES[a.charges_source] ? `（${CHARGE_SOURCES[a.charges_source]}）` : "";
    $("analysis").replaceChildren(
      el("div", {}, `识别罪名/案由${source}：${charges || "未识别"}；找到 ${result.hits.length} 件类案，用时 ${Math.round(result.took_ms)} 毫秒`),
      ...(a.charge_rules || []).map((r) => el("div", { class: "rule" }, `法律区分：${r.reason}（${r.source}）`)),
      ...a.notes.map((n) => el("div", { class: "note" }, `注意：${n}`)));
    $("analysis").hidden = false;
    $("results").replaceChildren(...result.hits.map(renderHit));
    if (!result.hits.length) $("results").append(el("li", { class: "hit empty" }, "没有找到类似案例"));
  } catch (error) {
    showError(error.message);
  } finally {
    button.disabled = false;
  }
}

function download(blob, name) {
  const link = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

async function exportCsv() {
  showError("");
  try {
    download(await (await api("POST", "/api/search/export", searchRequest())).blob(), "类案检索结果.csv");
  } catch (error) {
    showError(error.message);
  }
}

// --- the similar-case search report ----------------------------------------------------------------------------
let reportCase = null; // the pending case the shown report was built for, with its search time

function caseFields() {
  const value = (id) => $(id).value.trim();
  return {
    text: $("report-text").value, case_number: value("report-case-number"), court: value("report-court"),
    cause: value("report-cause"), searcher: value("report-searcher"),
  };
}

function decisions() {
  // The judge's decision on every candidate shown; a missing reason stops the export (art 6 asks for one).
  const out = {};
  for (const item of document.querySelectorAll("#report-candidates li.candidate")) {
    const reason = item.querySelector("input.reason").value.trim();
    if (!reason) throw new Error(`请填写案例 ${item.dataset.id} 的确认或排除理由`);
    out[item.dataset.id] = { accept: item.querySelector("input.accept").checked, reason };
  }
  return out;
}

function renderCandidate(c, index) {
  const meta = [c.category, c.court, c.court_level && `${c.court_level}法院`, c.date, c.case_number]
    .filter(Boolean).join(" · ");
  const name = `decision-${index}`;
  const accept = el("input", { type: "radio", name, class: "accept", checked: c.decision.accept });
  const reject = el("input", { type: "radio", name, class: "reject", checked: !c.decision.accept });
  const item = el("li", { class: `candidate hit ${c.decision.accept ? "accepted" : "rejected"}`, "data-id": c.id },
    el("h3", {}, el("span", { class: "rank" }, `第${c.tier}层 ${c.rank}.`), c.title || c.id),
    el("div", { class: "meta-line" }, `${meta}　相似度 ${c.score.toFixed(3)}`),
    el("div", { class: "dimension" }, el("b", {}, "基本事实"), c.basic_facts, "　", el("b", {}, "法律适用"),
      c.legal_application),
    c.decisive_differences.length
      ? el("div", { class: "dimension" }, el("b", {}, "关键差异"), c.decisive_differences.join("；")) : null,
    c.holding ? el("div", { class: "dimension holding" }, el("b", {}, "裁判要点"), c.holding) : null,
    el("div", { class: "decision" },
      el("label", { class: "inline" }, accept, "类案"), el("label", { class: "inline" }, reject, "排除"),
      el("input", { type: "text", class: "reason", value: c.decision.reason, maxLength: 2000, title: "理由" }),
      el("span", { class: "by" }, c.decision.by)),
    el("button", { type: "button", class: "link open-case", onclick: () => openCase(c.id) }, "查看全文"));
  for (const radio of [accept, reject]) {
    radio.addEventListener("change", () => {
      item.classList.toggle("accepted", accept.checked);
      item.classList.toggle("rejected", !accept.checked);
    });
  }
  return item;
}

function showReport(result) {
  const r = result.report;
  const stop = r.search_results.find((t) => t.stopped_here);
  $("report-summary").replaceChildren(
    el("div", {}, `检索时间 ${r.search_time}；${r.result_usage.summary}`),
    el("div", {}, stop ? `检索终止于第${stop.tier}层级（${stop.name}）` : "各层级均已检索"),
    el("div", { class: "hash" }, `内容哈希 ${r.content_hash}`));
  $("report-candidates").replaceChildren(...result.candidates.map(renderCandidate));
  if (!result.candidates.length) $("report-candidates").append(el("li", { class: "hit empty" }, "没有检索到候选案例"));
  $("report-result").hidden = false;
}

async function buildReport(withDecisions) {
  showError("");
  $("report-status").textContent = "";
  const body = withDecisions ? { ...reportCase, decisions: decisions() } : caseFields();
  const result = await (await api("POST", "/api/reports", body)).json();
  reportCase = { ...(withDecisions ? reportCase : body), search_time: result.report.search_time };
  showReport(result);
}

async function exportReport(format) {
  showError("");
  const response = await api("POST", `/api/reports/export?format=${format}`, { ...reportCase, decisions: decisions() });
  const blob = await response.blob();
  download(blob, `类案检索报告.${format}`);
  $("report-status").textContent =
    `已导出 ${format === "docx" ? "Word" : "JSON"} 文件（${blob.size} 字节），内容哈希 ${response.headers.get("X-Content-Hash")}`;
}

function guarded(button, action) {
  // Run ``action`` with the button disabled; errors go to the error box.
  return async (event) => {
    if (event) event.preventDefault();
    $(button).disabled = true;
    try {
      await action();
    } catch (error) {
      showError(error.message);
    } finally {
      $(button).disabled = false;
    }
  };
}

// --- expected outcome and consistency --------------------------------------------------------------------------
const months = (m) => (m === null || m === undefined ? "—" : `${Math.round(m * 10) / 10} 个月`);

function caseLinks(ids) {
  return ids.map((id) => el("button", { type: "button", class: "link", onclick: () => openCase(id) }, id));
}

async function expectOutcome() {
  const charges = $("outcome-charges").value.split(/[、,，;；\s]+/).filter(Boolean);
  const body = { id: "draft", text: $("outcome-text").value, charges };
  const f = await (await api("POST", "/api/audit/expected", body)).json();
  const parts = [];
  if (Object.keys(f.charges_inferred || {}).length) {
    parts.push(el("div", {}, "罪名（系统从事实推断，待确认）：", Object.entries(f.charges_inferred).slice(0, 3)
      .map(([c, p]) => `${c}（${p.toFixed(2)}）`).join("、")));
  }
  if (f.expected_months === null) {
    parts.push(el("div", { class: "expected" }, `预期刑种：${f.expected_penalty}，依据类案 ${f.n_similar} 件`));
  } else {
    parts.push(el("div", { class: "expected" },
      `预期刑期：${f.expected_penalty} ${months(f.expected_months)}（区间 ${months(f.interval_months[0])}–${months(f.interval_months[1])}），依据类案 ${f.n_similar} 件`));
    const extra = [];
    if (f.expected_months === 0 && f.expected_term_months) extra.push(`如判处刑罚，预期 ${months(f.expected_term_months)}`);
    if (f.probation_probability > 0) extra.push(`适用缓刑的可能性 ${Math.round(f.probation_probability * 100)}%`);
    if (f.expected_fine_yuan !== null) extra.push(`类案罚金中位数 ${Math.round(f.expected_fine_yuan)} 元`);
    if (extra.length) parts.push(el("div", {}, extra.join("；")));
  }
  if (f.lawful_months) {
    parts.push(el("div", {}, `法定刑幅度：${months(f.lawful_months[0])}–${months(f.lawful_months[1])}；${f.tier}`));
  }
  if (f.guideline) {
    parts.push(el("div", {}, "按《关于常见犯罪的量刑指导意见（试行）》（法发〔2021〕21号）计算",
      f.guideline.checked ? `（该罪数据核对：${f.guideline.checked}）：` : "："));
    parts.push(el("ol", { class: "guideline-steps" }, ...f.guideline.steps.map((s) =>
      el("li", {}, `${s.stage}：${s.text}${s.paragraph ? `（${s.paragraph}）` : ""}`))));
  }
  for (const t of f.charge_terms || []) {
    parts.push(el("div", {}, `${t.charge}：${t.penalty} ${months(t.expected_months)}`));
  }
  for (const note of [...f.notes, ...f.reasons.filter((r) => r.startsWith("类案不足"))]) {
    parts.push(el("div", { class: "note" }, note));
  }
  if (f.drivers.length) {
    parts.push(el("div", {}, "主要影响因素：", f.drivers.map((d) =>
      `${d.factor}（${d.effect_months >= 0 ? "+" : ""}${d.effect_months} 个月）`).join("、")));
  }
  if (f.evidence.length) parts.push(el("div", {}, "依据案例：", ...caseLinks(f.evidence)));
  $("expectation").replaceChildren(...parts);
  $("expectation").hidden = false;
}

function table(header, rows) {
  return el("table", { class: "table" }, el("tr", {}, ...header.map((h) => el("th", {}, h))),
    ...rows.map((row) => el("tr", {}, ...row.map((cell) => el("td", {}, cell)))));
}

function showConsistency(r) {
  const q = r.quantiles;
  const parts = [el("h3", {}, `${r.subject}：类案裁判一致性（${r.cases} 件）`),
    el("p", {}, q.median === undefined ? "无有期徒刑样本"
      : `刑期中位数 ${q.median} 个月，四分位 ${q.p25}–${q.p75} 个月；缓刑比例 ${Math.round(r.probation_share * 100)}%`),
    ...r.notes.map((n) => el("p", { class: "note" }, `注意：${n}`)),
    el("h4", {}, "裁判结果分歧（多数/少数）"),
    table(["量刑档次", "观点", "件数", "占比"], r.holdings.map((h) =>
      [h.holding, h.role, h.cases, `${Math.round(h.share * 100)}%`]))];
  if (r.circumstance_effects.length) {
    parts.push(el("h4", {}, "量刑情节的影响（同档次、同金额量级案件之间比较）"),
      table(["情节", "有（件）", "无（件）", "分层数", "刑期变化", "90%区间"],
        r.circumstance_effects.map((e) => [e.circumstance, e.with_cases, e.without_cases, e.strata,
          `${e.effect_percent}%`, `${e.interval_percent[0]}% ～ ${e.interval_percent[1]}%`])));
  }
  const charts = el("div", { class: "charts" });
  for (const [name, title] of [["distribution", "刑期分布"], ["circumstances", "量刑情节"], ["spread", "地区差异"]]) {
    if (r.charts[name]) {
      charts.append(el("figure", {}, el("figcaption", {}, title), el("img", {
        class: "chart", alt: title, src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(r.charts[name])}`,
      })));
    }
  }
  parts.push(charts);
  $("consistency").replaceChildren(...parts);
  $("consistency").hidden = false;
}

async function consistencyReport(body) {
  showConsistency(await (await api("POST", "/api/consistency", body)).json());
}

// --- audit dashboard -----------------------------------------------------------------------------------------
const ACTION_NAMES = {
  search: "检索", export: "导出检索结果", "case.view": "查看案例", "report.build": "生成报告",
  "report.export": "导出报告", "outcome.expect": "预期结果", "outcome.audit": "偏离审查",
  "consistency.report": "一致性报告", "auth.denied": "拒绝访问", "audit_log.read": "读取日志",
  "audit_log.summary": "审计看板", "admin.ingest.start": "开始导入", "admin.ingest.finish": "完成导入",
  "user.add": "新增用户", "user.revoke": "注销用户",
};
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text = "") {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text) node.textContent = text;
  return node;
}

function barChart(pairs) {
  // Horizontal bars, one per (label, count), drawn as inline SVG (nothing loaded from elsewhere).
  const rowHeight = 22;
  const width = 420;
  const labelWidth = 110;
  const max = Math.max(1, ...pairs.map(([, n]) => n));
  const chart = svg("svg", { viewBox: `0 0 ${width} ${Math.max(1, pairs.length) * rowHeight + 4}`, class: "bars",
    role: "img" });
  pairs.forEach(([label, n], i) => {
    const y = i * rowHeight + 2;
    const length = ((width - labelWidth - 50) * n) / max;
    chart.append(svg("text", { x: labelWidth - 6, y: y + 15, "text-anchor": "end", class: "label" }, label),
      svg("rect", { x: labelWidth, y: y + 3, width: Math.max(1, length), height: rowHeight - 8, class: "bar" }),
      svg("text", { x: labelWidth + length + 4, y: y + 15, class: "value" }, String(n)));
  });
  if (!pairs.length) chart.append(svg("text", { x: 4, y: 16, class: "label" }, "暂无数据"));
  return chart;
}

function columnChart(days) {
  // One column per day (total entries), the first and last dates labelled below.
  const width = 420;
  const height = 140;
  const max = Math.max(1, ...days.map((d) => d.total));
  const step = (width - 40) / Math.max(1, days.length);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height + 20}`, class: "columns", role: "img" });
  chart.append(svg("text", { x: 0, y: 12, class: "value" }, String(max)));
  days.forEach((d, i) => {
    const h = ((height - 20) * d.total) / max;
    const column = svg("rect", { x: 30 + i * step, y: height - h, width: Math.max(1, step - 2), height: h,
      class: "bar" });
    column.append(svg("title", {}, `${d.day}：${d.total}`));
    chart.append(column);
  });
  if (days.length) {
    chart.append(svg("text", { x: 30, y: height + 16, class: "label" }, days[0].day),
      svg("text", { x: width, y: height + 16, "text-anchor": "end", class: "label" }, days[days.length - 1].day));
  }
  return chart;
}

async function loadDashboard() {
  showError("");
  try {
    const s = await (await api("GET", `/api/admin/audit-summary?days=${$("dashboard-days").value}`)).json();
    $("chain-status").textContent = s.ok
      ? `哈希链校验通过：共 ${s.entries} 条记录，链头 ${s.head.slice(0, 16)}…`
      : `哈希链校验失败：${s.problems.join("；")}`;
    $("chain-status").className = s.ok ? "chain ok" : "chain broken";
    $("chart-days").replaceChildren(columnChart(s.per_day));
    $("chart-actions").replaceChildren(barChart(Object.entries(s.per_action)
      .map(([a, n]) => [ACTION_NAMES[a] || a, n])));
    $("chart-roles").replaceChildren(barChart(Object.entries(s.searches_per_role)
      .map(([r, n]) => [ROLE_NAMES[r] || r, n])));
    if (permissions.has("read_audit_log")) {
      const log = await (await api("GET", "/api/admin/audit-log?limit=50")).json();
      $("audit-latest").replaceChildren(table(["序号", "时间", "用户", "角色", "操作", "对象", "结果"],
        log.latest.reverse().map((e) => [e.seq, e.ts.replace("T", " ").slice(0, 19), e.actor,
          ROLE_NAMES[e.role] || e.role, ACTION_NAMES[e.action] || e.action, e.target, e.outcome])));
    }
  } catch (error) {
    showError(error.message);
  }
}

// --- case view ---------------------------------------------------------------------------------------------
async function openCase(id) {
  showError("");
  try {
    const c = await (await api("GET", `/api/cases/${encodeURIComponent(id)}`)).json();
    $("case-title").textContent = c.title || c.id;
    const rows = [
      ["案号", c.case_number], ["法院", c.court], ["层级", c.court_level], ["日期", c.date],
      ["类别", AUTHORITY_NAMES[c.authority] || c.authority], ["文书", c.doc_type], ["审级", c.trial_level],
      ["罪名/案由", c.charges.join("、")], ["援引刑法", c.articles.length ? `第${c.articles.join("、")}条` : ""],
      ["量刑情节", c.circumstances.join("、")], ["生效", c.effective ? "是" : "否"],
    ].filter(([, v]) => v);
    $("case-meta").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    const m = c.masking;
    $("case-masking").textContent =
      `已按角色隐去当事人姓名（${m.keep_surname ? "保留姓氏" : "不保留姓氏"}${m.mask_officials ? "，审判人员姓名亦已隐去" : ""}）。`;
    const sections = Object.entries(c.sections).filter(([, text]) => text);
    const parts = sections.length ? sections : [["text", c.text]];
    $("case-sections").replaceChildren(...parts.map(([key, text]) =>
      el("section", { class: "case-section" }, el("h3", {}, SECTION_NAMES[key] || "全文"), el("p", {}, text))));
    $("case-view").hidden = false;
  } catch (error) {
    showError(error.message);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    token = $("token").value.trim();
    try {
      await login();
    } catch (error) {
      showError(error.message);
    }
  });
  $("logout").addEventListener("click", logout);
  $("search-form").addEventListener("submit", search);
  $("export").addEventListener("click", exportCsv);
  $("case-close").addEventListener("click", () => { $("case-view").hidden = true; });
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => showTab(tab.dataset.tab));
  $("report-form").addEventListener("submit", guarded("report-build", () => buildReport(false)));
  $("report-apply").addEventListener("click", guarded("report-apply", () => buildReport(true)));
  $("report-export-docx").addEventListener("click", guarded("report-export-docx", () => exportReport("docx")));
  $("report-export-json").addEventListener("click", guarded("report-export-json", () => exportReport("json")));
  $("outcome-form").addEventListener("submit", guarded("outcome-expect", expectOutcome));
  $("consistency-query").addEventListener("click", guarded("consistency-query",
    () => consistencyReport({ query: $("outcome-text").value })));
  $("consistency-form").addEventListener("submit", guarded("consistency-charge-run",
    () => consistencyReport({ charge: $("consistency-charge").value })));
  $("dashboard-refresh").addEventListener("click", loadDashboard);
  $("dashboard-days").addEventListener("change", loadDashboard);
  if (token) login().catch(() => logout());
});

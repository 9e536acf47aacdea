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

// --- login -------------------------------------------------------------------------------------------------
async function login() {
  const me = await (await api("GET", "/api/me")).json();
  sessionStorage.setItem("leian-token", token);
  $("who-name").textContent = me.name;
  $("who-role").textContent = ROLE_NAMES[me.role] || me.role;
  $("who").hidden = false;
  $("login-panel").hidden = true;
  const canSearch = me.permissions.includes("search");
  $("search-panel").hidden = !canSearch;
  $("admin-panel").hidden = canSearch;
  $("export").hidden = !me.permissions.includes("export");
  showError("");
}

function logout() {
  token = "";
  sessionStorage.removeItem("leian-token");
  $("who").hidden = true;
  $("login-panel").hidden = false;
  $("search-panel").hidden = true;
  $("admin-panel").hidden = true;
  $("case-view").hidden = true;
  $("results").replaceChildren();
  $("analysis").hidden = true;
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

async function exportCsv() {
  showError("");
  try {
    const blob = await (await api("POST", "/api/search/export", searchRequest())).blob();
    const link = el("a", { href: URL.createObjectURL(blob), download: "类案检索结果.csv" });
    document.body.append(link);
    link.click();
    link.remove();
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
  if (token) login().catch(() => logout());
});

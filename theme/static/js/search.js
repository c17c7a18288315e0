// Enhances /search/ with Pagefind's index (generated into /pagefind/ after the build).
// Without this script, or without the index, the page keeps its plain form and fallback links.
const LIMIT = 20;
const form = document.querySelector("form[data-pagefind]");
if (form) init(form);

async function init(form) {
  const input = form.elements.q;
  const kind = form.elements.kind;
  const category = form.elements.category;
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";

  let pagefind;
  try {
    pagefind = await import(form.dataset.pagefind);
    await pagefind.options({ excerptLength: 30 });
    // A large site's index comes in parts (parts.json beside pagefind.js lists the others).
    for (const part of await otherParts(form.dataset.pagefind)) {
      await pagefind.mergeIndex(part, { excerptLength: 30 });
    }
  } catch (error) {
    status.textContent = "Search is not available right now; the links below still work.";
    return;
  }
  const available = await pagefind.filters();
  fill(kind, available.kind, params.get("kind"));
  fill(category, available.category, params.get("category"));
  const filterset = form.querySelector(".search-filters");
  filterset.disabled = false;
  filterset.hidden = false;
  document.getElementById("search-fallback").hidden = true;

  let latest = 0;
  async function run() {
    const ticket = ++latest;
    const q = input.value.trim();
    const chosen = { q, kind: kind.value, category: category.value };
    const query = new URLSearchParams(Object.entries(chosen).filter(([, v]) => v));
    history.replaceState(null, "", `${location.pathname}${query.size ? "?" + query : ""}`);
    if (!q) {
      list.replaceChildren();
      status.textContent = "Type a word to search.";
      return;
    }
    const filters = {};
    if (kind.value) filters.kind = kind.value;
    if (category.value) filters.category = category.value;
    status.textContent = "Searching…";
    const search = await pagefind.search(q, { filters });
    const data = await Promise.all(search.results.slice(0, LIMIT).map((r) => r.data()));
    if (ticket !== latest) return; // a newer search has started
    list.replaceChildren(...data.map(render));
    const n = search.results.length;
    status.textContent = n === 0 ? `No results for “${q}”.`
      : `${n} result${n === 1 ? "" : "s"} for “${q}”${n > LIMIT ? `, showing the first ${LIMIT}` : ""}.`;
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  kind.addEventListener("change", run);
  category.addEventListener("change", run);
  if (input.value.trim()) run();
}

async function otherParts(script) {
  const listing = new URL("parts.json", new URL(script, location.href));
  const response = await fetch(listing);
  if (!response.ok) return [];
  return (await response.json()).map((part) => new URL(part, listing).pathname);
}

function fill(select, counts, selected) {
  for (const name of Object.keys(counts || {}).sort()) {
    const option = new Option(`${name} (${counts[name]})`, name, false, name === selected);
    select.add(option);
  }
}

function render(result) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h3");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.meta.title || result.url;
  heading.append(link);
  const labels = [...(result.filters.kind || []), ...(result.filters.category || [])];
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = labels.join(" · ");
  const excerpt = document.createElement("p");
  excerpt.append(...excerptNodes(result.excerpt));
  item.append(heading, meta, excerpt);
  return item;
}

// Pagefind excerpts are text with <mark> highlights: keep only those, never other markup.
function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  return [...doc.body.firstChild.childNodes].map((node) => {
    if (node.nodeName !== "MARK") return document.createTextNode(node.textContent);
    const mark = document.createElement("mark");
    mark.textContent = node.textContent;
    return mark;
  });
}

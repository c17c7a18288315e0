# Pelican-style targets. Each sets up .venv from requirements.txt on first use, then calls the
# invoke task of the same name in tasks.py.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INVOKE := $(BIN)/invoke

.PHONY: help html clean regenerate serve devserver publish check test bench lock

help:
	@echo "make html        build the site into output/"
	@echo "make test        run the test suite"
	@echo "make check       validate content without building"
	@echo "make devserver   live preview at http://127.0.0.1:8000/"
	@echo "make serve       serve output/ at http://127.0.0.1:8000/"
	@echo "make regenerate  rebuild on every change"
	@echo "make publish     build with publishconf.py (SITEURL=... to override)"
	@echo "make clean       remove output/ and caches"
	@echo "make bench       benchmark against vanilla Pelican (N=2000 posts, ROUNDS=3)"

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

html: $(STAMP)
	$(INVOKE) html

clean:
	rm -rf output cache

regenerate: $(STAMP)
	$(INVOKE) regenerate

serve: $(STAMP)
	$(INVOKE) serve

devserver: $(STAMP)
	$(INVOKE) devserver

publish: $(STAMP)
	$(INVOKE) publish

check: $(STAMP)
	$(INVOKE) check

test: $(STAMP)
	$(INVOKE) test

N ?= 2000
ROUNDS ?= 3
bench: $(STAMP)
	$(INVOKE) bench -n $(N) --rounds $(ROUNDS)

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements.in
	{ echo "# Full pinned set, generated from requirements.in with pip freeze (make lock)."; $(BIN)/python -m pip freeze; } > requirements.txt

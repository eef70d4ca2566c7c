# Two commands on a fresh machine: `make demo` and `make test`. Everything else they need is set up here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test bench lint typecheck messages system-packages serve clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Debian packages: gettext (msgfmt for the translations), chromium (browser tests), pango (WeasyPrint PDFs).
system-packages:
	@missing=""; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	ldconfig -p | grep -q libpangoft2 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing fonts-dejavu-core >/dev/null; \
	fi

messages: $(STAMP)
	@command -v msgfmt >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null)
	@$(BIN)/python manage.py compilemessages --verbosity 0 --ignore=.venv --ignore=var --ignore=node_modules

demo: $(STAMP) messages
	$(BIN)/praja demo --host $(HOST) --port $(PORT)

serve: $(STAMP) messages
	$(BIN)/praja serve --host $(HOST) --port $(PORT)

test: $(STAMP) system-packages messages
	$(BIN)/pytest

bench: $(STAMP)
	@for f in bench/*.py; do n=$$(basename $$f .py); case $$n in _*) continue;; esac; \
	  $(BIN)/praja bench $$n || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check praja bench tests
	$(BIN)/mypy praja bench

clean:
	rm -rf $(VENV) var test-output

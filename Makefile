# Two commands on a fresh machine: `make demo` and `make test`. Everything else they need is set up here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test bench lint messages runtime-packages system-packages serve clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Debian packages. Runtime: gettext (msgfmt for the translations), pango (WeasyPrint PDFs), DejaVu (the fonts
# the plan annex PDF embeds, praja/deployment/pdf_writer.py).
# Tests also drive Debian's chromium.
define apt_install
	if [ -n "$(1)" ]; then echo "installing Debian packages:$(1)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) fonts-dejavu-core >/dev/null; fi
endef

runtime-packages:
	@missing=""; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	ldconfig -p | grep -q libpangoft2 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	test -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf || missing="$$missing fonts-dejavu-core"; \
	$(call apt_install,$$missing)

system-packages: runtime-packages
	@missing=""; test -x /usr/bin/chromium || missing="chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	$(call apt_install,$$missing)

messages: $(STAMP) runtime-packages
	@$(BIN)/python manage.py compilemessages --verbosity 0 --ignore=.venv --ignore=var --ignore=node_modules

demo: $(STAMP) messages
	$(BIN)/praja demo --host $(HOST) --port $(PORT)$(if $(HARI_H), --hari-h)

serve: $(STAMP) messages
	$(BIN)/praja serve --host $(HOST) --port $(PORT)

# One worker per core (pytest-xdist; TEST_WORKERS=0 runs in one process); a file's tests stay on one worker, and
# files are handed out in collection order (--no-loadscope-reorder: xdist would otherwise start with the files
# holding most tests, the browser tests among them, which conftest.py puts last: their live server empties the
# database, and Playwright leaves an event loop running in the worker's thread).
TEST_WORKERS ?= auto
PYTEST_PARALLEL = -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
test: $(STAMP) system-packages messages
	$(BIN)/pytest $(PYTEST_PARALLEL)

bench: $(STAMP)
	@for f in bench/*.py; do n=$$(basename $$f .py); case $$n in _*) continue;; esac; \
	  $(BIN)/praja bench $$n || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check praja bench tests
	$(BIN)/mypy praja bench
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) var test-output

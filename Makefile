# Forecourt's everyday commands. Each target is a thin wrapper over a script in scripts/ (or
# tests/run-suite.sh), where the logic and its explanations live. `make help` lists them.
SHELL := /bin/bash

# The build that build/migrate/seed use; run.sh and run-suite.sh read FORECOURT_PRESET.
PRESET ?= $(or $(FORECOURT_PRESET),dev)
BIN := build/$(PRESET)/forecourt
STACK := scripts/stack.sh
# Evaluated in a recipe: the local stack's DATABASE_URL, MIGRATIONS_DATABASE_URL, REDIS_URL...
STACK_ENV = eval "$$($(STACK) env)"
CXX_FILES = find src tests bench -type f \( -name '*.cpp' -o -name '*.hpp' \) -not -path '*/node_modules/*' 2>/dev/null

.PHONY: run test build stack-start stack-stop stack-status psql migrate seed lint format \
	coverage bench clean clean-data help openapi postman

run: ## install, build, start PostgreSQL + Redis, migrate, seed, serve on 127.0.0.1:8080
	@scripts/run.sh

test: ## the whole suite on a throwaway stack: pgTAP, unit, integration, gates, ASan
	@tests/run-suite.sh

build: ## configure and build build/<preset> (PRESET=dev|ci|asan|release|coverage)
	@scripts/setup.sh && scripts/build.sh $(PRESET)

stack-start: ## start the private PostgreSQL and Redis under .local/ (kept running)
	@scripts/setup.sh && $(STACK) start

stack-stop: ## stop them
	@$(STACK) stop

stack-status: ## what runs, on which ports
	@$(STACK) status

psql: ## psql on the local database, as the superuser
	@$(STACK) psql

migrate: build stack-start ## apply db/bootstrap and supabase/migrations to the local database
	@$(STACK_ENV) && $(BIN) migrate

seed: build stack-start ## load supabase/seed.sql once (VEHICLES=N for a large inventory)
	@$(STACK_ENV) && $(BIN) seed $(if $(VEHICLES),--vehicles $(VEHICLES))

openapi: ## regenerate docs/openapi.json from the route table, and postman/ from it (commit both)
	@scripts/build.sh $(PRESET) >/dev/null && scripts/openapi.sh write $(BIN) && scripts/postman.sh write

postman: ## regenerate the Postman collection and environment in postman/ from docs/openapi.json
	@scripts/postman.sh write

lint: ## clang-format check, cppcheck, flawfinder, clang-tidy on changed files
	@scripts/lint.sh

format: ## rewrite the C++ files with .clang-format
	@$(CXX_FILES) -print0 | xargs -0 -r clang-format --style=file -i

coverage: ## suite under gcov, lcov report of src/domain in build/coverage/html
	@scripts/coverage.sh

bench: ## release build, then the benchmarks (bench/README.md)
	@scripts/bench.sh

clean: ## remove the build folders (the local data in .local/ stays)
	rm -rf build

clean-data: ## stop the local stack and DELETE its data (.local/): the next run starts afresh
	@$(STACK) stop
	rm -rf .local

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 15

# The two commands of the README. Both set up whatever is missing first.
.PHONY: run test bench package

# Set up, build and start the desktop app (or, without a display, `kumo doctor`).
run:
	@scripts/run.sh

# Set up, then run every check and test: what CI runs (.ci/run).
test:
	@scripts/test.sh

# Benchmarks (release build; minutes, not part of `make test`): see docs/BENCHMARKS.md.
bench:
	@scripts/bench.sh

# Installable packages (.deb, .rpm) of the app with the `kumo` CLI: release builds.
package:
	@scripts/package.sh

# The two commands of the README. Both set up whatever is missing first.
.PHONY: run test

# Set up, build and start the desktop app (or, without a display, `kumo doctor`).
run:
	@scripts/run.sh

# Set up, then run every check and test: what CI runs (.ci/run).
test:
	@scripts/test.sh

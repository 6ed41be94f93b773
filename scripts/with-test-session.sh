#!/usr/bin/env bash
# Runs a command the way Kumo's tests need the desktop: inside a private D-Bus session
# holding an unlocked gnome-keyring (the real Secret Service), a kernel session keyring
# of its own, and an Xvfb display. Everything it starts is stopped when the command ends.
set -euo pipefail

if [ -z "${KUMO_TEST_SESSION:-}" ]; then
  export KUMO_TEST_SESSION=1
  # A fresh anonymous session keyring, so kernel-cached secrets never outlive the run.
  # Where keyctl is refused (a seccomp filter), Kumo runs without that cache.
  keyctl new_session >/dev/null 2>&1 || echo "with-test-session: no kernel session keyring; the kernel cache goes untested" >&2
  exec dbus-run-session -- "$0" "$@"
fi

scratch=$(mktemp -d)
cleanup() {
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  [ -n "${keyring_pid:-}" ] && kill "$keyring_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# The keyring files live in the scratch dir, never in the user's own keyrings.
export XDG_DATA_HOME="$scratch/data"
export XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# --unlock creates the default collection and unlocks it with this throwaway password.
eval "$(printf 'kumo-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
keyring_pid=$(pgrep -n -f "gnome-keyring-daemon --unlock" || true)

. "$(dirname "$0")/secret-service.sh"
secret_service_owned 300 0.1 || { echo "with-test-session: gnome-keyring never took the Secret Service name" >&2; exit 1; }

# Prove the default collection is unlocked and writable before any test relies on it.
probe_ok=""
for _ in $(seq 50); do
  if printf 'probe' | secret-tool store --label=kumo-session-probe service kumo-session-probe username probe 2>/dev/null \
      && [ "$(secret-tool lookup service kumo-session-probe username probe 2>/dev/null)" = probe ]; then
    secret-tool clear service kumo-session-probe username probe 2>/dev/null || true
    probe_ok=1
    break
  fi
  sleep 0.2
done
[ -n "$probe_ok" ] || { echo "with-test-session: the keyring's default collection is not usable" >&2; exit 1; }

# Xvfb picks a free display number itself and writes it to fd 3.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$scratch/display" 2>"$scratch/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do
  [ -s "$scratch/display" ] && break
  sleep 0.1
done
[ -s "$scratch/display" ] || { echo "Xvfb did not start:" >&2; cat "$scratch/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(cat "$scratch/display")"

"$@"

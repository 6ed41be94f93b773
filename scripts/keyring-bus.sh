#!/usr/bin/env bash
# A D-Bus session bus of its own, for tests of the keychain states the app must survive:
#   keyring-bus.sh locked   gnome-keyring runs, its default collection locked
#   keyring-bus.sh missing  nothing provides the Secret Service (no activation either)
# Prints the bus address on one line, then reads commands from stdin until it closes:
#   unlock   unlocks the collection the way a person at the prompt would
# and stops everything it started when stdin closes.
set -euo pipefail
mode=${1:?usage: keyring-bus.sh locked|missing}
. "$(dirname "$0")/secret-service.sh"

scratch=$(mktemp -d)
cleanup() {
  [ -n "${keyring_pid:-}" ] && kill "$keyring_pid" 2>/dev/null || true
  [ -n "${bus_pid:-}" ] && kill "$bus_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# No <servicedir>: a name nobody owns stays unowned instead of being activated.
cat >"$scratch/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$scratch</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file="$scratch/bus.conf" --nofork --print-address=3 3>"$scratch/address" &
bus_pid=$!
for _ in $(seq 100); do
  [ -s "$scratch/address" ] && break
  sleep 0.05
done
[ -s "$scratch/address" ] || { echo "keyring-bus: dbus-daemon did not start" >&2; exit 1; }
DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$scratch/address")
export DBUS_SESSION_BUS_ADDRESS
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

collection=/org/freedesktop/secrets/collection/login
start_keyring() {
  printf 'kumo-test' | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null
  secret_service_owned 200 0.05 || { echo "keyring-bus: gnome-keyring never took the Secret Service name" >&2; exit 1; }
  keyring_pid=$(pgrep -n -f "gnome-keyring-daemon --replace --unlock" || true)
}

if [ "$mode" = locked ]; then
  start_keyring
  dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
    org.freedesktop.Secret.Service.Lock "array:objpath:$collection" >/dev/null
fi

echo "$DBUS_SESSION_BUS_ADDRESS"
while read -r command; do
  case "$command" in
    # gnome-keyring unlocks the login collection with the password it is started with.
    unlock) start_keyring; echo unlocked ;;
    *) echo "keyring-bus: unknown command $command" >&2 ;;
  esac
done

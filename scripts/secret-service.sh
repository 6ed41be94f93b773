# Sourced by the test session scripts: waits for the Secret Service on the session bus.

# secret_service_owned TRIES PAUSE: succeeds once something owns org.freedesktop.secrets,
# asking up to TRIES times PAUSE seconds apart. A keyring call before that would let
# D-Bus activate a second, locked daemon.
secret_service_owned() {
  local tries=$1 pause=$2
  for _ in $(seq "$tries"); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
      return 0
    fi
    sleep "$pause"
  done
  return 1
}

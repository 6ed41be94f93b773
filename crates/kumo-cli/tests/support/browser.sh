#!/usr/bin/env bash
# A BROWSER program that plays the user: it records the URL it is given, then follows
# http redirects (the authorize page → Kumo's loopback listener) as a browser would.
# KUMO_TEST_BROWSER_LOG names the record file; KUMO_TEST_BROWSER_DENY=1 denies device codes;
# KUMO_TEST_BROWSER_LINGER=N keeps it running N seconds after, as a real browser lives on.
set -u
url="$1"
echo "$url" >> "${KUMO_TEST_BROWSER_LOG:-/dev/null}"
if [ "${KUMO_TEST_BROWSER_DENY:-}" = 1 ]; then
  url="$url&action=deny"
fi
for _ in 1 2 3 4 5; do
  [[ $url =~ ^http://([^/:]+):([0-9]+)(/.*)?$ ]] || exit 0
  host=${BASH_REMATCH[1]} port=${BASH_REMATCH[2]} path=${BASH_REMATCH[3]:-/}
  exec 3<>"/dev/tcp/$host/$port" || exit 1
  printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$path" "$host" "$port" >&3
  location=$(tr -d '\r' <&3 | sed -n 's/^[Ll]ocation: //p' | head -n 1)
  exec 3<&-
  [ -n "$location" ] || break
  url=$location
done
sleep "${KUMO_TEST_BROWSER_LINGER:-0}"

# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the test_fetch_*.sh scripts (POSIX sh): a private CA and server
# certificate made with openssl, the HTTPS fault server on 127.0.0.1, a
# config with short timeouts, and assertions.
#
# After sourcing: $T (temp dir), $DOC (docroot), $PORT, $URL
# (https://127.0.0.1:$PORT), $CACHE (cache-dir), $NB (the binary).

NB=${NB:-$(pwd)/nftblock/nftblock}
HERE=$(cd "$(dirname "$0")" && pwd)

skip() { echo "$1"; exit 77; }
fail() { echo "FAIL: $*"; [ -f "$T/out" ] && sed 's/^/    | /' "$T/out"; exit 1; }

[ -x "$NB" ] || skip "nftblock binary not built"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
command -v openssl >/dev/null 2>&1 || skip "openssl not installed"

T=$(mktemp -d /tmp/nftblock-fetch.XXXXXX)
DOC=$T/doc
CACHE=$T/cache
mkdir -p "$DOC"
SRV_PID=

cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

make_certs() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=nftblock test CA" \
		-keyout "$T/ca.key" -out "$T/ca.pem" >/dev/null 2>&1 || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
		-keyout "$T/srv.key" -out "$T/srv.csr" >/dev/null 2>&1 || return 1
	printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$T/ext"
	openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
		-CAcreateserial -days 2 -extfile "$T/ext" -out "$T/srv.pem" >/dev/null 2>&1
}
make_certs || skip "openssl could not make test certificates"

python3 "$HERE/fetch_server.py" "$DOC" "$T/srv.pem" "$T/srv.key" "$T/port" &
SRV_PID=$!
i=0
while [ ! -s "$T/port" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "test server did not start"
	sleep 0.1
done
PORT=$(cat "$T/port")
URL=https://127.0.0.1:$PORT

# A TCP port on 127.0.0.1 that nothing listens on.
closed_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# write_conf SOURCES COUNTRIES [extra lines...]: $T/nb.conf with short
# timeouts and the test CA.
write_conf() {
	src=$1 ccs=$2
	shift 2
	{
		printf '[nftblock]\nsources = %s\ncache-dir = %s\nca-file = %s/ca.pem\n' \
			"$src" "$CACHE" "$T"
		printf 'connect-timeout = 2\ntimeout = 10\nlow-speed-time = 2\n'
		printf 'retries = 1\nretry-delay-ms = 50\nmax-feed-size = 1000000\n'
		printf '[block]\ncountries = %s\n' "$ccs"
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$T/nb.conf"
}

# run_fetch [args]: run "nftblock fetch", output in $T/out, status in $RC.
run_fetch() {
	"$NB" fetch --config "$T/nb.conf" --feeds-dir "$T/nofeeds" "$@" >"$T/out" 2>&1
	RC=$?
	sed 's/^/    /' "$T/out"
}

expect_rc() { [ "$RC" -eq "$1" ] || fail "exit status $RC, expected $1"; }
expect_out() { grep -q -- "$1" "$T/out" || fail "output lacks '$1'"; }
expect_no_out() { ! grep -q -- "$1" "$T/out" || fail "output has '$1'"; }

# set_fault PATH MODE [ARG]: replace the server's fault list.
set_fault() { echo "$*" >"$DOC/.faults"; }
clear_faults() { rm -f "$DOC/.faults"; }

# save_cache / cache_same: the cache holds the last good data byte for byte.
save_cache() { rm -rf "$T/saved"; cp -a "$CACHE" "$T/saved"; }
cache_same() {
	for f in "$T"/saved/*.data "$T"/saved/*.counts "$T"/saved/sources; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$CACHE/$(basename "$f")" ||
			fail "cache file $(basename "$f") changed after a refused fetch"
	done
}

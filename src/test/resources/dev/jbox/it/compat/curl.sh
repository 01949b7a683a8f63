# title: curl to python3 -m http.server on 127.0.0.1 (both inside; run with --share-net)
# needs: curl python3
set -eu
echo "payload $$" > index.txt
python3 -u -m http.server --bind 127.0.0.1 0 > server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
port=
for _ in $(seq 1 100); do
    port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' server.log)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "http.server did not start: $(head -3 server.log)" >&2; exit 1; }
curl -sS --fail --max-time 20 "http://127.0.0.1:$port/index.txt" -o got.txt
cmp got.txt index.txt
echo "ok: curl $(curl --version | head -1 | cut -d' ' -f2) fetched a file from http.server on 127.0.0.1"

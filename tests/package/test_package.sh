#!/usr/bin/env bash
# The venue laptop's package (README "Install at a venue"), from a built tree:
#   test_package.sh BUILD_DIR VERSION
# Makes the .deb with cpack, reads its control fields and files, extracts it into a clean
# root (dpkg -x), verifies both units with systemd-analyze against that root, starts the
# extracted binary as the unit would and checks /healthz, and runs the maintainer scripts
# with dpkg's DPKG_ROOT set to a scratch root and stubs in place of adduser, chown,
# deb-systemd-helper and systemctl.
# Not tested here: a real `dpkg -i`/`apt install` (it would change this machine), the
# systemd sandbox itself (no systemd runs as PID 1 in CI; the binary runs under setpriv as
# nobody, without new privileges, instead), LimitNOFILE, and the scripts' branch for a
# running systemd (start, restart, stop).
set -euo pipefail

build=$(realpath "$1")
version=$2

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }
for tool in cpack dpkg dpkg-deb dpkg-shlibdeps file systemd-analyze setpriv sh timeout; do
  command -v "$tool" >/dev/null || fail "$tool is missing (bash scripts/install-deps.sh --test installs it)"
done

tmp=$(mktemp -d /tmp/qiandao-package-XXXXXX)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
chmod 0755 "$tmp"  # the server below runs as nobody and must reach its files

step "cpack -G DEB"
arch=$(dpkg --print-architecture)
(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1) ||
  { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
deb=$tmp/out/qiandao_${version}_${arch}.deb
[[ -f $deb ]] || fail "no $deb; cpack made: $(ls "$tmp/out")"

step "control fields"
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == qiandao ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] || fail "Version: $(field Version), expected $version"
[[ $(field Architecture) == "$arch" ]] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
echo "Depends: $depends"
for lib in libc6 'libstdc\+\+6' libsqlite3-0 libpq5 libsodium23 libssl3 libqrencode4 libxlsxwriter4 adduser; do
  grep -qE "(^|, )${lib}([ (,]|$)" <<<"$depends" || fail "Depends lacks $lib (is dpkg-shlibdeps installed?)"
done

step "control files"
dpkg-deb -e "$deb" "$tmp/control"
[[ $(cat "$tmp/control/conffiles") == /etc/qiandao/qiandao.conf ]] ||
  fail "conffiles: $(cat "$tmp/control/conffiles")"
for script in postinst prerm postrm; do
  [[ -x $tmp/control/$script ]] || fail "$script missing or not executable"
  sh -n "$tmp/control/$script" || fail "$script: sh -n"
done

step "files"
# Every file the package holds, and that each belongs to root.
expected="./etc/qiandao/qiandao.conf
./lib/systemd/system/qiandao.service
./lib/systemd/system/qiandao@.service
./usr/bin/qiandao
./usr/share/doc/qiandao/README.md"
listing=$(dpkg-deb -c "$deb")
files=$(awk '$1 !~ /^d/ {print $6}' <<<"$listing" | sort)
[[ $files == "$expected" ]] || fail "files:"$'\n'"$files"$'\n'"expected:"$'\n'"$expected"
awk '$2 != "root/root" {exit 1}' <<<"$listing" || fail "files not owned by root/root:"$'\n'"$listing"
root=$tmp/root
dpkg -x "$deb" "$root"
file "$root/usr/bin/qiandao" | grep -q 'ELF.*executable' || fail "usr/bin/qiandao is not an executable"
file "$root/usr/bin/qiandao" | grep -q 'not stripped' && fail "usr/bin/qiandao is not stripped"
[[ $("$root/usr/bin/qiandao" version) == "qiandao $version" ]] || fail "qiandao version: $("$root/usr/bin/qiandao" version)"

step "systemd-analyze verify"
# The units against the extracted root, as systemd on a Debian 12 host would read them:
# the root gets this host's own units (targets the unit needs) beside the package's.
cp -rn /lib/systemd/system/. "$root/lib/systemd/system/"
# Clean means exit 0 and not one message (an unknown key or a bad value is only a warning).
verify_clean() {
  local out
  out=$(systemd-analyze --root="$root" verify "$@" 2>&1) || { echo "$out"; return 1; }
  [[ -z $out ]] || { echo "$out"; return 1; }
}
units=/lib/systemd/system
verify_clean "$units/qiandao.service" "$units/qiandao@venue2.service" || fail "the units do not verify"
# Controls: the same check refuses a unit with a misspelt key, and one whose binary is missing.
sed 's/^ProtectSystem=/ProtectSytem=/' "$root$units/qiandao.service" >"$root$units/qiandao-typo.service"
sed 's|^ExecStart=/usr/bin/qiandao |ExecStart=/usr/bin/qiandao-gone |' "$root$units/qiandao.service" \
  >"$root$units/qiandao-gone.service"
for broken in qiandao-typo qiandao-gone; do
  ! verify_clean "$units/$broken.service" >/dev/null || fail "verify let $broken.service through"
  rm "$root$units/$broken.service"
done
systemd-analyze security --offline=yes --threshold=20 --root="$root" qiandao.service >"$tmp/security.txt" 2>&1 ||
  { cat "$tmp/security.txt" >&2; fail "qiandao.service is exposed above 2.0"; }
grep 'Overall exposure' "$tmp/security.txt"

step "the binary as the unit starts it"
exec_start() { sed -n 's/^ExecStart=//p' "$root$units/$1"; }
[[ $(exec_start qiandao.service) == "/usr/bin/qiandao serve --config /etc/qiandao/qiandao.conf" ]] ||
  fail "qiandao.service ExecStart: $(exec_start qiandao.service)"
[[ $(exec_start qiandao@.service) == "/usr/bin/qiandao serve --config /etc/qiandao/qiandao-%i.conf" ]] ||
  fail "qiandao@.service ExecStart: $(exec_start qiandao@.service)"
grep -qx 'User=qiandao' "$root$units/qiandao.service" || fail "qiandao.service: no User=qiandao"
grep -qx 'WorkingDirectory=/var/lib/qiandao' "$root$units/qiandao.service" || fail "no WorkingDirectory"
# The packaged settings, with the data directory and the port moved into the test's.
state=$tmp/state
mkdir "$state" "$tmp/etc"
conf=$tmp/etc/qiandao.conf
grep -qx 'db = /var/lib/qiandao/qiandao.db' "$root/etc/qiandao/qiandao.conf" || fail "conf: db"
grep -qx 'listen = 0.0.0.0:8080' "$root/etc/qiandao/qiandao.conf" || fail "conf: listen"
sed -e "s|^db = .*|db = $state/qiandao.db|" -e 's|^listen = .*|listen = 127.0.0.1:0|' \
  "$root/etc/qiandao/qiandao.conf" >"$conf"
# As the service user would (nobody here), in the state directory, with its umask and a
# clean environment. It execs: call it in a subshell, a pipeline or with &.
run_as_service() {
  local as=()
  if [[ $(id -u) == 0 ]]; then
    chown 65534:65534 "$state"
    as=(setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs)
  fi
  cd "$state"
  umask 0027
  exec env -i PATH=/usr/bin:/bin "${as[@]}" "$@"
}
# The first admin, the way postinst tells (its output is checked below).
printf '%s\n' 'a long password' |
  run_as_service "$root/usr/bin/qiandao" user add admin --role admin --config "$conf" >"$tmp/user.log" 2>&1 ||
  { cat "$tmp/user.log" >&2; fail "user add --config"; }
grep -qx 'user admin (admin) added' "$tmp/user.log" || fail "user add said: $(cat "$tmp/user.log")"
run_as_service "$root/usr/bin/qiandao" serve --config "$conf" >"$tmp/serve.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's|^Qiandao listening on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$tmp/serve.log")
  [[ -n $port ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; fail "the server exited"; }
  sleep 0.1
done
[[ -n $port ]] || { cat "$tmp/serve.log" >&2; fail "the server did not start in 10 s"; }
healthz() {
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
  timeout 5 cat <&3
  exec 3<&-
}
status=$(healthz | head -n 1 | tr -d '\r')
[[ $status == "HTTP/1.1 200 OK" ]] || fail "/healthz answered: $status"
kill -TERM "$server_pid"
rc=0
timeout 20 tail --pid="$server_pid" -f /dev/null || fail "the server did not stop in 20 s after SIGTERM"
wait "$server_pid" || rc=$?
server_pid=
[[ $rc == 0 ]] || { cat "$tmp/serve.log" >&2; fail "the server exited $rc after SIGTERM"; }
grep -q '^Qiandao stopped.$' "$tmp/serve.log" || fail "no 'Qiandao stopped.'"
[[ $(stat -c '%a' "$state/qiandao.db") == 640 ]] || fail "the database's mode: $(stat -c '%a' "$state/qiandao.db")"
echo "/healthz 200 on port $port, stopped by SIGTERM"

step "maintainer scripts"
# dpkg gives the scripts DPKG_ROOT (empty on a normal install); here it is a scratch root,
# and the commands that would change this machine are stubs that log their arguments.
droot=$tmp/droot
stubs=$tmp/stubs
mkdir -p "$droot/etc/systemd/system/multi-user.target.wants" "$stubs"
calls=$tmp/calls
stub() {
  printf '#!/bin/sh\necho "%s $*" >>%s\n%s\n' "$1" "$calls" "${2:-exit 0}" >"$stubs/$1"
  chmod +x "$stubs/$1"
}
stub adduser "touch $tmp/user-exists"
stub getent "[ -e $tmp/user-exists ]"
stub dpkg-statoverride "exit 1"
stub chown
stub deb-systemd-helper
stub deb-systemd-invoke
stub systemctl
maint() {
  : >"$calls"
  env -i PATH="$stubs:/usr/bin:/bin" DPKG_ROOT="$droot" sh "$tmp/control/$1" "${@:2}" >"$tmp/maint.out" 2>&1 ||
    { cat "$tmp/maint.out" >&2; fail "$* exited non-zero"; }
}
called() { grep -qxF "$1" "$calls" || fail "$2 did not run: $1"$'\n'"it ran:"$'\n'"$(cat "$calls")"; }
not_called() { ! grep -q "$1" "$calls" || fail "$2 ran $1:"$'\n'"$(cat "$calls")"; }

maint postinst configure
called "adduser --system --group --home /var/lib/qiandao --no-create-home --quiet qiandao" "postinst (install)"
called "chown qiandao:qiandao $droot/var/lib/qiandao" "postinst (install)"
called "deb-systemd-helper enable qiandao.service" "postinst (install)"
not_called "systemctl\|deb-systemd-invoke" "postinst without a running systemd"
[[ $(stat -c '%a' "$droot/var/lib/qiandao") == 750 ]] || fail "postinst: /var/lib/qiandao mode"
hint='sudo -u qiandao qiandao user add admin --role admin --config /etc/qiandao/qiandao.conf'
grep -qF "    $hint" "$tmp/maint.out" || fail "postinst does not print: $hint"
echo "postinst prints: $hint"

echo data >"$droot/var/lib/qiandao/qiandao.db"
maint postinst configure 0.0.9
not_called adduser "postinst (upgrade, the user exists)"
called "deb-systemd-helper enable qiandao.service" "postinst (upgrade)"
! grep -q 'user add' "$tmp/maint.out" || fail "postinst prints the first-admin hint on an upgrade"

maint prerm remove
not_called "systemctl\|deb-systemd-invoke" "prerm without a running systemd"
maint postrm remove
called "deb-systemd-helper mask qiandao.service" "postrm remove"
[[ $(cat "$droot/var/lib/qiandao/qiandao.db") == data ]] || fail "postrm remove lost the data"

ln -s /lib/systemd/system/qiandao@.service "$droot/etc/systemd/system/multi-user.target.wants/qiandao@venue2.service"
ln -s /lib/systemd/system/other.service "$droot/etc/systemd/system/multi-user.target.wants/other.service"
maint postrm purge
called "deb-systemd-helper purge qiandao.service" "postrm purge"
[[ ! -e $droot/var/lib/qiandao ]] || fail "postrm purge kept /var/lib/qiandao"
[[ ! -L $droot/etc/systemd/system/multi-user.target.wants/qiandao@venue2.service ]] || fail "purge kept an instance link"
[[ -L $droot/etc/systemd/system/multi-user.target.wants/other.service ]] || fail "purge removed another unit's link"

echo "PASS: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

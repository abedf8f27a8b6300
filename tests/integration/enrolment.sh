#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Unattended enrolment: the drop-in directory beside the configuration file applies settings,
# the server list and the link's certificates at start and on reload, each file all or
# nothing, shown as coming from its file; bad files and files others could write are refused.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"
plan 36

D="$AGENT_CONFIG.d"
status_json() { ctl --json status; }
enrol_field() { status_json | python3 -c 'import json,sys; d=json.load(sys.stdin)["enrolment"]; print(eval(sys.argv[1]))' "$1"; }
link_state() { status_json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sections"]["link"]["state"])'; }
setting() { ctl --json settings show "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[sys.argv[1]])' "$2"; }
# reload: SIGHUP, then wait until the agent read the directory again.
reload() {
	local before
	before=$(enrol_field 'd["readings"]')
	kill -HUP "$AGENT_PID"
	wait_for 60 bash -c '[ "$(ctl --json status | python3 -c "import json,sys; print(json.load(sys.stdin)[\"enrolment\"][\"readings\"])")" -gt "$1" ]' _ "$before"
}
problems() { enrol_field '"\n".join(p["message"] for p in d["problems"])'; }
export -f ctl status_json enrol_field link_state setting problems

make_pki
port=$(free_port)
start_central fleet "$port" --client-ca "$PKI/ca.pem" --require-client-cert
mkdir -m 755 "$D"
install -m 644 "$PKI/ca.pem" "$D/ca.pem"
install -m 600 "$PKI/client.p12" "$D/client.p12"
install -m 600 "$PKI/client.pass" "$D/client.pass"
cat >"$D/10-fleet.conf" <<CONF
# Written by configuration management.
[link]
servers = 127.0.0.1:$port
sync_period = 7
client_certificate = yes
max_transfer_delay = 1

[agent]
control_idle_seconds = 600

[files]
server_ca = ca.pem
client_pkcs12 = client.p12
client_password_file = client.pass
CONF
chmod 644 "$D/10-fleet.conf"

start_agent
ok "the drop-in's settings apply at the first start" \
	eval '[ "$(setting link.sync_period value)" = 7 ] && [ "$(setting agent.control_idle_seconds value)" = 600 ]'
ok "settings show --json names the file and line" \
	test "$(setting link.sync_period source)" = "file 10-fleet.conf:4"
ok "the table says it too" bash -c 'ctl settings show | grep -E "^link\.sync_period +7 +changed +file 10-fleet.conf:4$"'
ok "and the CSV" bash -c 'ctl settings show --format csv | tr -d "\\r" | grep -qx "link.sync_period,int,7,5,true,file 10-fleet.conf:4"'
ok "a setting never set is shown as the default" test "$(setting link.port source)" = default
ok "the history names the file as who changed it" bash -c \
	'ctl --json settings history | python3 -c "import json,sys; h=[e for e in json.load(sys.stdin) if e[\"key\"]==\"link.sync_period\"]; sys.exit(h[0][\"source\"]!=\"file 10-fleet.conf:4\")"'
ok "the server list came from the file" bash -c "ctl server list | grep -q '127.0.0.1:$port'"
ok "the CA bundle was imported" bash -c "ctl cert server show | grep -q 'Vigil test CA ca'"
ok "the PKCS#12 was imported with its password file" bash -c "ctl cert client show | grep -q 'vigil-agent'"
ok "the link connects with them (two-way TLS)" wait_for 60 bash -c '[ "$(link_state)" = connected ]'
ok "status lists the file as applied, no problem" \
	eval '[ "$(enrol_field "d[\"files\"][0][\"state\"]")" = applied ] && [ -z "$(problems)" ]'

# vigilctl after the file: the administrator's change stands until the file changes.
ctl settings set link.sync_period=9 >/dev/null
ok "a vigilctl change is shown as such" test "$(setting link.sync_period source)" = vigilctl
reload
ok "a reload with the file unchanged keeps the vigilctl value" \
	eval '[ "$(setting link.sync_period value)" = 9 ] && [ "$(enrol_field "d[\"files\"][0][\"state\"]")" = unchanged ]'
stop_agent
start_agent
ok "and so does a restart" test "$(setting link.sync_period value)" = 9
# Two-way TLS off and the client certificate gone: the changed file brings both back at once
# (the link refuses link.client_certificate=yes without a certificate in place).
ctl settings set link.client_certificate=no >/dev/null && ctl cert client remove >/dev/null
sed -i 's/^sync_period = 7/sync_period = 8/' "$D/10-fleet.conf"
reload
ok "a changed file is applied on reload" \
	eval '[ "$(setting link.sync_period value)" = 8 ] && [ "$(setting link.sync_period source)" = "file 10-fleet.conf:4" ]'
ok "with its certificate and two-way TLS together" \
	eval '[ "$(setting link.client_certificate value)" = True ] && ctl cert client show | grep -q vigil-agent && [ -z "$(problems)" ]'

# A bad value: the whole file is refused, the last good settings stay.
install -m 644 "$PKI/other.pem" "$D/other.pem"
printf '[link]\nrequest_timeout = 20\nport = 99999\n[files]\nserver_ca = other.pem\n' >"$D/20-bad.conf"
reload
ok "a file with one bad value is refused whole" \
	eval '[ "$(setting link.request_timeout value)" = 10 ] && [ "$(setting link.port value)" = 443 ]'
ok "its certificate too" bash -c "ctl cert server show | grep -q 'Vigil test CA ca' && ! ctl cert server show | grep -q 'CA other'"
ok "the problem names the file, the line and what is wrong" \
	bash -c 'problems | grep -F "$1/20-bad.conf:3: link.port must be between 1 and 65535, not 99999"' _ "$D"
ok "vigilctl status shows it" bash -c 'ctl status | grep -F "20-bad.conf:3"'
ok "the agent logged it" grep -qF "20-bad.conf:3: link.port must be between" "$AGENT_LOG"
ok "the good file stays applied" eval '[ "$(setting link.sync_period value)" = 8 ] && [ "$(link_state)" = connected ]'
printf '[link]\nrequest_timeout = 20\n[proxy\nurl = http://127.0.0.1:1\n' >"$D/20-bad.conf"
reload
ok "a line that is not INI is refused with its line" \
	bash -c 'problems | grep -F "20-bad.conf:3:" && [ "$(ctl --json settings show link.request_timeout | grep -c "\"value\": 10")" = 1 ]'
printf '[link]\nrequest_timeout = 20\nno_such_key = 1\n' >"$D/20-bad.conf"
reload
ok "an unknown setting too" bash -c 'problems | grep -F "20-bad.conf:3: unknown setting" && [ "$(enrol_field "len(d[\"problems\"])")" = 1 ]'
printf '[link]\nrequest_timeout = 20\n' >"$D/20-bad.conf"
reload
ok "once fixed it applies" eval '[ "$(setting link.request_timeout value)" = 20 ] && [ -z "$(problems)" ]'

# Files that someone other than root could have written are refused.
chmod 1777 "$D"
setpriv --reuid=65534 --regid=65534 --clear-groups -- sh -c "printf '[link]\nport = 4444\n' >'$D/30-user.conf'"
reload
ok "a directory writable by others is refused whole" bash -c \
	'problems | grep -F "$1 has mode 1777: writable by others than root" && [ "$(ctl --json settings show link.port | grep -c "\"value\": 443")" = 1 ]' _ "$D"
chmod 755 "$D"
reload
ok "a file an unprivileged user wrote is refused" bash -c \
	'problems | grep -F "30-user.conf is owned by uid 65534, not root" && [ "$(ctl --json settings show link.port | grep -c "\"value\": 443")" = 1 ]'
rm -f "$D/30-user.conf"
printf '[link]\nport = 4445\n' >"$D/40-group.conf"
chmod 664 "$D/40-group.conf"
reload
ok "a group-writable file is refused" bash -c 'problems | grep -F "40-group.conf has mode 0664: writable by others than root"'
rm -f "$D/40-group.conf"
ln -s "$D/20-bad.conf" "$D/50-link.conf"
reload
ok "a symbolic link is not followed" bash -c 'problems | grep -F "50-link.conf is a symbolic link"'
rm -f "$D/50-link.conf"
install -m 644 /dev/null "$D/60-secret.conf"
printf '[files]\nproxy_password_file = pw\n[proxy]\nuser = fleet\n' >"$D/60-secret.conf"
install -m 644 /dev/null "$D/pw"
echo hunter2 >"$D/pw"
reload
ok "a password file readable by others is refused" bash -c 'problems | grep -F "60-secret.conf:2: pw has mode 0644: a secret readable by others"'
chmod 600 "$D/pw"
reload
ok "readable by root alone, it is taken" bash -c \
	'[ -z "$(problems)" ] && [ "$(cat "$STATE_DIR/link-proxy-password")" = hunter2 ] && [ "$(stat -c %a "$STATE_DIR/link-proxy-password")" = 600 ]'
# A user who owns a directory on the way to a named file swaps in a link to another of root's
# files: no component of the path is followed, the file the administrator named or nothing.
mkdir -m 755 "$TEST_DIR/user-dir"
chown 65534:65534 "$TEST_DIR/user-dir"
mkdir -m 700 "$TEST_DIR/root-secrets"
install -m 600 /dev/null "$TEST_DIR/root-secrets/pw"
echo swapped >"$TEST_DIR/root-secrets/pw"
setpriv --reuid=65534 --regid=65534 --clear-groups -- ln -s "$TEST_DIR/root-secrets" "$TEST_DIR/user-dir/via"
printf '[files]\nproxy_password_file = %s\n' "$TEST_DIR/user-dir/via/pw" >"$D/61-via.conf"
reload
ok "a named file behind a directory link is refused, the secret kept" bash -c \
	'problems | grep -F "61-via.conf:2: $1: a directory of its path is a symbolic link" && [ "$(cat "$STATE_DIR/link-proxy-password")" = hunter2 ]' \
	_ "$TEST_DIR/user-dir/via/pw"
rm -f "$D/61-via.conf"
reload
# A refusal that only the running link makes (two-way TLS without a client certificate) comes
# after the files are swapped in: the previous certificate comes back.
ctl settings set link.client_certificate=no >/dev/null && ctl cert client remove >/dev/null
printf '[link]\nclient_certificate = yes\n[files]\nserver_ca = other.pem\n' >"$D/25-veto.conf"
reload
ok "a certificate swapped in goes back when the settings are refused" bash -c \
	'problems | grep -F "25-veto.conf: link.client_certificate cannot be turned on" && ctl cert server show | grep -q "Vigil test CA ca"'
# A directory taken away and put back: its files are applied again.
mv "$D" "$D.away"
reload
ctl settings set link.sync_period=11 >/dev/null
mv "$D.away" "$D"
reload
ok "a directory put back is applied again" test "$(setting link.sync_period value)" = 8
ok "nothing of the refused files changed a setting" test "$(setting link.port value)" = 443
ok "no staged file is left behind" bash -c '! ls "$STATE_DIR" | grep -q "\.enrol$"'
finish

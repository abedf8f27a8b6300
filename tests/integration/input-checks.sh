#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Bad input is refused by the agent (so that every front end gets the same check) with an error
# naming the argument, and nothing is stored; a path that does not exist yet in a setting is
# accepted with a warning.  (The console's own form check is in console-ioc.sh.)
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 16
start_agent || exit 1

exclusions() { ctl --json telemetry exclusion list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
# refused WANT ARGS...: exit status 1, WANT on stderr, no exclusion stored.
refused() {
	local want=$1 rc
	shift
	ctl telemetry exclusion add "$@" >/dev/null 2>"$TEST_DIR/err"
	rc=$?
	if [ $rc != 1 ] || ! grep -q -- "$want" "$TEST_DIR/err" || [ "$(exclusions)" != 0 ]; then
		diag "rc $rc, $(exclusions) exclusions, stderr: $(cat "$TEST_DIR/err")"
		return 1
	fi
}
ok "--path-prefix relative/path is refused, naming it" \
	refused "the path prefix relative/path is not an absolute path" --path-prefix relative/path
ok "--user nosuchuser is refused: no such user on this host" \
	refused 'no user "nosuchuser4711" on this host' --user nosuchuser4711
ok "--user with a character no user name has" refused 'is not a user name or number' --user 'ro ot'
ok "--remote-ip that is not an address" refused 'is not an IPv4 or IPv6 address' --remote-ip 10.0.0.300
ok "--sha256 that is not one" refused 'is not a SHA-256' --sha256 abc
ok "a user that exists is taken" ctl telemetry exclusion add --user nobody --path-prefix /var/tmp/
ok "a uid as a number too (containers run as uids without a name)" ctl telemetry exclusion add --user 424242
ok "an IPv6 address too" ctl telemetry exclusion add --remote-ip 2001:db8::1 --remote-port 443
ok "three exclusions are stored" test "$(exclusions)" = 3

# A setting naming a directory that does not exist (yet) is accepted, with a warning.
ctl settings set telemetry.file_paths=/nonexistent-$$,/tmp >"$TEST_DIR/out" 2>"$TEST_DIR/err"
rc=$?
ok "settings set telemetry.file_paths=/nonexistent is accepted ($rc)" test $rc = 0
ok "with a warning naming the setting and the path" \
	grep -q "warning: telemetry.file_paths: /nonexistent-$$ does not exist on this host (the value is kept)" "$TEST_DIR/err"
ok "only for the path that is missing" eval '! grep -q "/tmp does not exist" "$TEST_DIR/err"'
ok "the value is kept" eval 'ctl settings show telemetry.file_paths | grep -q "/nonexistent-$$,/tmp"'
ctl --json settings set telemetry.file_paths=/nonexistent-$$-b >"$TEST_DIR/set.json" 2>/dev/null
ok "with --json the warning is in the result, with its message id" \
	python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))[0]["warnings"][0]; sys.exit(0 if w["msgid"] == "%s does not exist on this host (the value is kept)" and w["args"] == [sys.argv[2]] else 1)' \
	"$TEST_DIR/set.json" "/nonexistent-$$-b"
ok "a relative path is still refused" test "$(status_of ctl settings set telemetry.file_paths=relative/dir)" = 1
ok "in French too" eval 'LANGUAGE=fr ctl settings set telemetry.file_paths=/nonexistent-$$-c 2>&1 | grep -q "n’existe pas"'
finish

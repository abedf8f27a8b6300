# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the detection tests (sourced after lib.sh): an agent with every collector on (it
# holds the audit lock of telemetry-lib.sh), a work directory of the test user, loopback
# listeners, and expectations of detections checked together.
#
#   det_start_agent RULES_DIR [VIGILD OPTIONS]
#   det_expect NAME RULE_ID <<EOF       (a Python expression over f, the finding, and e,
#   EXPR                                 its last evidence, on stdin: never on a command
#   EOF                                  line, where the rules would see it)
#   ... perform the behaviours ...
#   det_check SECONDS        # one TAP line per expectation
. "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-lib.sh"

DET_DEFAULT_RULES="$VIGIL_TOP_SRCDIR/dist/rules"
DET_SPEC="$TEST_DIR/expect.json"
DET_RESULT="$TEST_DIR/found.json"
DET_UID=65534
echo '[]' >"$DET_SPEC"

# The test user's work directory, under the test's own directory.
W="$TEST_DIR/work"
mkdir -p "$W"
chown "$DET_UID:$DET_UID" "$W"

# as_user COMMAND...: runs COMMAND as the test user (nobody); setpriv execs it, so that a
# background "${AS_USER[@]}" COMMAND & has the command's pid in $!.
AS_USER=(setpriv --reuid "$DET_UID" --regid "$DET_UID" --clear-groups --)
as_user() { "${AS_USER[@]}" "$@"; }

det_ready() {
	ctl --json status | python3 -c "
import json, sys
d = json.load(sys.stdin)['sections']['detection']
ok = d['state'] == 'ready' and d['rules']['generation'] > 0 and (d['audit']['running'] or not d['audit']['wanted'])
sys.exit(0 if ok else 1)"
}

# det_start_agent RULES_DIR [OPTIONS]: the agent with every collector on, reading RULES_DIR;
# returns once the rules are in force.
det_start_agent() {
	local rules=$1
	shift
	tel_setup_mode || return 1
	tel_start_agent --set "detection.rules_dirs=$rules" "$@" || return 1
	wait_for 60 det_ready
}

# det_listen PORT: a TCP listener on 127.0.0.1:PORT that accepts and reads until stopped.
det_listen() {
	python3 -c '
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(64)
def serve(c):
    try:
        while c.recv(4096): pass
    except OSError: pass
    c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
' "${2:-127.0.0.1}" "$1" &
	on_exit "kill $! 2>/dev/null"
	wait_for 30 python3 -c "import socket; socket.create_connection(('${2:-127.0.0.1}', $1), 1).close()"
}

# det_ns_listener NS: a network namespace NS of the test's own (removed at the end) whose
# loopback holds 192.0.2.1, a documentation address that is not the host's, with a TCP listener
# on 192.0.2.1:4444; returns once it accepts.
det_ns_listener() {
	ip netns add "$1" || return 1
	on_exit "ip netns del $1"
	ip -n "$1" link set lo up
	ip -n "$1" addr add 192.0.2.1/32 dev lo
	ip netns exec "$1" python3 -c '
import socket
s = socket.socket(); s.bind(("192.0.2.1", 4444)); s.listen(8)
while True:
    c, _ = s.accept(); c.close()' &
	on_exit "kill $! 2>/dev/null"
	wait_for 30 ip netns exec "$1" python3 -c "import socket; socket.create_connection(('192.0.2.1', 4444), 1).close()"
}

# free_port: a TCP port free on loopback now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# det_expect NAME RULE_ID < EXPR: a detection of RULE_ID whose finding satisfies EXPR is expected.
det_expect() {
	python3 -c '
import json, sys
path, name, rule = sys.argv[1:4]
spec = json.load(open(path))
spec.append({"name": name, "rule": rule, "expr": sys.stdin.read().strip()})
json.dump(spec, open(path, "w"))' "$DET_SPEC" "$1" "$2"
}

# det_count: how many expectations there are (for plan).
det_count() { python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$DET_SPEC"; }

# det_check SECONDS: waits for every expected detection, one TAP line each.
det_check() {
	python3 "$VIGIL_TOP_SRCDIR/tests/integration/detection-wait.py" "$SOCKET" "$1" <"$DET_SPEC" >"$DET_RESULT"
	local name
	while IFS= read -r name; do
		ok "detected: $name" python3 -c "import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))[sys.argv[2]] else 1)" \
			"$DET_RESULT" "$name"
	done < <(python3 -c "import json,sys; [print(s['name']) for s in json.load(open(sys.argv[1]))]" "$DET_SPEC")
}

# det_found NAME FILE: writes the finding that satisfied NAME to FILE.
det_found() { python3 -c "import json,sys; json.dump(json.load(open(sys.argv[1]))[sys.argv[2]], open(sys.argv[3], 'w'))" "$DET_RESULT" "$1" "$2"; }

# fget FILE EXPR: evaluates a Python expression over e, the JSON document in FILE (findings
# stay off command lines).
fget() { python3 -c "import json,sys; e=json.load(open(sys.argv[1])); print($2)" "$1"; }

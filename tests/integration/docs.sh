#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The documentation says what the build does: the default socket of the programs is the one the
# man pages and the systemd unit name (under /run unless configure was told otherwise), the
# sample IOC document of doc/ioc.md works with ioc check and ioc scan, and vigilctl(8) starts
# each sentence on a line of its own, without a warning from groff.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 10

top=$VIGIL_TOP_SRCDIR
build=$VIGIL_TOP_BUILDDIR

# The default socket, as each program and page has it.
vigild_default=$("$VIGILD" --help | sed -n 's/.*socket \([^ ]*\)\.$/\1/p')
vigilctl_default=$(env -u VIGIL_SOCKET "$VIGILCTL" status 2>&1 | sed -n 's/.*cannot connect to the agent at \([^:]*\):.*/\1/p' | head -1)
diag "vigild: $vigild_default, vigilctl: $vigilctl_default"
ok "vigild and vigilctl have the same default socket" test -n "$vigild_default" -a "$vigild_default" = "$vigilctl_default"
runstatedir=$(sed -n 's/^S\["runstatedir"\]="\(.*\)"$/\1/p' "$build/config.status")
if grep -q -- '--runstatedir' <(sed -n 's/^ac_cs_config="\(.*\)"$/\1/p' "$build/config.status"); then
	ok "the socket is under the runstatedir configure was given" test "$vigild_default" = "$runstatedir/vigil/vigild.sock"
else
	ok "a default configure puts the socket under /run" test "$vigild_default" = /run/vigil/vigild.sock
fi
pages_agree() {
	local page
	for page in vigild.8 vigilctl.8 vigil-console.8 vigild.conf.5; do
		grep -q "$vigild_default" "$build/doc/$page" || { diag "$page does not name $vigild_default"; return 1; }
		if grep -E '/(var/)?run/vigil/vigild\.sock' "$build/doc/$page" | grep -vqF "$vigild_default"; then
			diag "$page names another socket"; return 1
		fi
	done
}
ok "the man pages name that socket and no other" pages_agree
ok "the systemd unit makes its directory there" bash -c '[ "${1%/vigil/vigild.sock}" != /run ] || grep -q "^RuntimeDirectory=vigil$" "$2/dist/vigild.service"' _ "$vigild_default" "$build"

# The sample IOC of doc/ioc.md, as a reader would copy it.
sed -n '/^## A first document/,/^## Commands/p' "$top/doc/ioc.md" | sed -n '/^```xml$/,/^```$/p' | sed '1d;$d' >"$TEST_DIR/sample.ioc"
start_agent
check=$(ctl ioc check "$TEST_DIR/sample.ioc" 2>&1); rc=$?
diag "$check"
ok "ioc check reads the sample: OpenIOC 1.1, no defect" bash -c '[ "$1" = 0 ] && grep -q "OpenIOC 1.1" <<<"$2" && grep -q " 0 defects" <<<"$2"' _ "$rc" "$check"
mkdir -p "$TEST_DIR/demo" "$TEST_DIR/clean"
printf 'echo vigil sample\n' >"$TEST_DIR/demo/dropper.sh"
printf 'echo something else\n' >"$TEST_DIR/clean/dropper.sh"
result() { python3 -c 'import json, sys; print(json.load(sys.stdin)["iocs"][0]["result"])'; }
found=$(ctl --json ioc scan "$TEST_DIR/sample.ioc" --path "$TEST_DIR/demo" --no-ports --no-system | result)
ok "ioc scan finds the sample's dropper" test "$found" = match
found=$(ctl --json ioc scan "$TEST_DIR/sample.ioc" --path "$TEST_DIR/clean" --no-ports --no-system | result)
ok "and not a file of the same name with other content" test "$found" = no-match
fr=$(LANGUAGE=fr ctl ioc scan "$TEST_DIR/sample.ioc" --path "$TEST_DIR/clean" --no-ports --no-system)
ok "LANGUAGE=fr: the document's result with a no-break space before the colon" \
	grep -q "sample\.ioc (6f1d3c2a-[0-9a-f-]*)"$'\xc2\xa0'": aucune correspondance$" <<<"$fr"

# vigilctl(8): one sentence per line, in the hand-written parts and in the generated COMMANDS.
sentences() {
	python3 - "$1" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split('\n')
bad, nofill = [], False
for i, l in enumerate(lines):
    if l.startswith('.nf'): nofill = True
    if l.startswith('.fi'): nofill = False
    if nofill or not l or l[0] in ".'" or (i and lines[i - 1].startswith('.TP')):
        continue
    if re.search(r'[a-z0-9)\]"\'][.?!] +\S', l):
        bad.append('%d: two sentences: %s' % (i + 1, l))
    nxt = lines[i + 1] if i + 1 < len(lines) else ''
    if nxt and nxt[0] not in ".'" and not re.search(r'[.?!:;]\)?$', l):
        bad.append('%d: a sentence broken in two: %s' % (i + 1, l))
print('\n'.join(bad[:10]))
sys.exit(1 if bad else 0)
PY
}
out=$(sentences "$build/doc/vigilctl.8"); rc=$?
[ -z "$out" ] || diag "$out"
ok "vigilctl.8: each sentence on a line of its own" test "$rc" = 0
warnings=$(groff -man -ww -z "$build/doc/vigilctl.8" 2>&1)
[ -z "$warnings" ] || diag "$warnings"
ok "vigilctl.8: groff has no warning" test -z "$warnings"
finish

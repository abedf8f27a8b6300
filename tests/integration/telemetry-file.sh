#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# File telemetry from fanotify: a file created, written, renamed and deleted under a temporary
# directory appears as those four activities, the write with the size and SHA-256 of its content.
# TEL_FILE_BACKEND=audit (telemetry-file-watch.sh): the same through audit directory watches,
# the fallback, where a write is seen when the file is opened for writing.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-lib.sh"
# The audit watches name the writer from its own records: the test of a writer gone from /proc
# is fanotify's.
if [ "${TEL_FILE_BACKEND:-}" = audit ]; then plan 12; else plan 14; fi

MARK="vgfile-$$-$RANDOM"
DIR="$TEST_DIR/files"
mkdir -p "$DIR"
ok "the audit daemon is as the test wants" tel_setup_mode
tel_start_agent
if [ "${TEL_FILE_BACKEND:-}" = audit ]; then
	ctl settings set telemetry.file_backend=audit "telemetry.file_paths=$DIR" >/dev/null
	files_state() { ctl --json status | python3 -c "import json,sys; print(json.load(sys.stdin)['sections']['telemetry']['files']['state'])"; }
	watching() { [ "$(files_state)" = audit-watches ]; }
	ok "the audit watches stand in for fanotify" wait_for 60 watching
else
	st=$(ctl --json status)
	ok "the file collector runs" test "$(jget "$st" "e['sections']['telemetry']['files']['state']")" = running
fi

: >"$DIR/$MARK.new"
ok "the creation is stored" wait_event 60 "e['class_uid'] == 1001 and e['activity_id'] == 1 and e['file']['path'] == '$DIR/$MARK.new'" "$MARK"
printf 'content of %s\n' "$MARK" >>"$DIR/$MARK.new"
SHA=$(sha256sum "$DIR/$MARK.new" | cut -d' ' -f1)
SIZE=$(stat -c %s "$DIR/$MARK.new")
if [ "${TEL_FILE_BACKEND:-}" = audit ]; then
	upd=$(wait_event 60 "e['class_uid'] == 1001 and e['activity_id'] == 3 and e['file']['path'] == '$DIR/$MARK.new'" "$MARK")
	ok "the write is stored" test -n "$upd"
	ok "with the writer" test "$(jget "${upd:-{\}}" "e['actor']['process']['pid'] > 0")" = True
else
	# The creation closed the file empty (a first write event); this one carries the content.
	upd=$(wait_event 60 "e['class_uid'] == 1001 and e['activity_id'] == 3 and e['file']['path'] == '$DIR/$MARK.new' and any(h['value'] == '$SHA' for h in e['file'].get('hashes', []))" "$MARK")
	ok "the write is stored with the SHA-256 of the new content" test -n "$upd"
	ok "and its size" test "$(jget "${upd:-{\}}" "e['file']['size']")" = "$SIZE"
fi
mv "$DIR/$MARK.new" "$DIR/$MARK.renamed"
ok "the rename is stored with both names" wait_event 60 "e['class_uid'] == 1001 and e['activity_id'] == 5 and e['file']['path'] == '$DIR/$MARK.new' and e['file_result']['path'] == '$DIR/$MARK.renamed'" "$MARK"
rm "$DIR/$MARK.renamed"
del=$(wait_event 60 "e['class_uid'] == 1001 and e['activity_id'] == 4 and e['file']['path'] == '$DIR/$MARK.renamed'" "$MARK")
ok "the deletion is stored" test -n "$del"
ok "with the process that deleted it" test "$(jget "${del:-{\}}" "e['actor']['process']['pid'] > 0")" = True
# The same events as text: the activity and the acting process tell the rows apart.
rows=$(ctl telemetry show --type file --grep "$MARK" --limit 50)
diag "$rows"
ok "telemetry show tells create, update, rename and delete apart, with the pid" bash -c '
	for a in create update rename delete; do
		grep -qE "^[0-9-]+ [0-9:.]+  file +$a +[0-9]+  .*$2" <<<"$1" || { echo "no $a row"; exit 1; }
	done' _ "$rows" "$MARK"

# A writer that exits before the agent reads its file events (here: the agent stopped meanwhile)
# is gone from /proc; it is still named, from its exec event.  dd waits on a pipe before it
# opens its output, so that the whole file's life falls while the agent is stopped.
if [ "${TEL_FILE_BACKEND:-}" != audit ]; then
	mkfifo "$TEST_DIR/feed"
	dd if="$TEST_DIR/feed" of="$DIR/$MARK.late" bs=64 count=1 status=none &
	WRITER=$!
	ok "the writer's launch is stored" wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 1 and e['process']['pid'] == $WRITER" "\"pid\":$WRITER,"
	kill -STOP "$AGENT_PID"
	echo "$MARK" >"$TEST_DIR/feed"
	wait "$WRITER"
	kill -CONT "$AGENT_PID"
	late=$(wait_event 60 "e['class_uid'] == 1001 and e['activity_id'] == 3 and e['file']['path'] == '$DIR/$MARK.late'" "$MARK")
	diag "$late"
	ok "its write names the exited writer's program" test "$(jget "${late:-{\}}" "e['actor']['process'].get('file', {}).get('path', '').endswith('/dd')")" = True
fi

# An unprivileged user names a file with terminal sequences (OSC 0 sets the window's title):
# telemetry show prints them escaped, its --json output keeps the name exact.
chmod 0777 "$DIR"
TITLE=$(printf '%s\033]0;pwned\007.t' "$MARK")
setpriv --reuid=65534 --regid=65534 --clear-groups -- sh -c 'printf x >"$1"' sh "$DIR/$TITLE"
ok "the creation of the user's file is stored" wait_event 60 "e['class_uid'] == 1001 and e['file']['path'] == '$DIR/$MARK' + chr(27) + ']0;pwned' + chr(7) + '.t'" "$MARK"
ctl telemetry show --limit 10000 --grep "$MARK" >"$TEST_DIR/show.txt"
ok "telemetry show prints its name escaped" grep -qF "$MARK\\x1b]0;pwned\\x07.t" "$TEST_DIR/show.txt"
ok "and no control character" eval "! LC_ALL=C grep -qP '[\\x00-\\x08\\x0b-\\x1f\\x7f]' '$TEST_DIR/show.txt'"
finish

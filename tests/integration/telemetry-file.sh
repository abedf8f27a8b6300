#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# File telemetry from fanotify: a file created, written, renamed and deleted under a temporary
# directory appears as those four activities, the write with the size and SHA-256 of its content.
# TEL_FILE_BACKEND=audit (telemetry-file-watch.sh): the same through audit directory watches,
# the fallback, where a write is seen when the file is opened for writing.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-lib.sh"
plan 8

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
finish

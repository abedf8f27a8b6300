#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Retention: the get-file copies in collected/ and the task journal stay within their caps of
# size and age (tasks.collected_max_mb/_days, tasks.journal_max_mb/_days), oldest first, and
# status shows them, also to a member of the read-only group.  What must stay stays: the newest
# journal row, which numbers the next task (ids never come back).
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 12

reader_group
start_agent || exit 1

jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
retention() { "$VIGILCTL" --socket "$SOCKET" --json status | jget "d['sections']['tasks']['retention']$1"; }
copies() { find "$STATE_DIR/collected" -maxdepth 1 -type f ! -name '*.part' | wc -l; }
rows() { sqlite3 -readonly "$STATE_DIR/vigil.db" "SELECT COUNT(*) FROM tasks_journal WHERE ns = 0 AND id = '$1'"; }
# is VALUE COMMAND...: whether COMMAND prints VALUE (for wait_for, which runs it again each time).
is() { local want=$1; shift; [ "$("$@")" = "$want" ]; }
all_rows() { sqlite3 -readonly "$STATE_DIR/vigil.db" 'SELECT COUNT(*) FROM tasks_journal'; }
journal_within() { python3 -c 'import sys; b = int(sys.argv[1]); sys.exit(not 0 < b <= 1048576)' "$(retention "['journal']['bytes']")"; }

member_status=$(as_reader --json status |
	jget "d['sections']['tasks']['retention']['collected']['max_bytes'], d['sections']['tasks']['retention']['journal']['max_days']")
ok "status shows the caps, to a member of the read-only group too" test "$member_status" = "(2147483648, 90)"

# collected/: 1 MiB, three copies of 600 KiB: only the newest stays.
ctl settings set tasks.collected_max_mb=1 >/dev/null
for f in a b c; do head -c 614400 /dev/urandom >"$TEST_DIR/$f.bin"; done
for f in a b c; do ctl task get-file "$TEST_DIR/$f.bin" >/dev/null; done
ok "over the size cap the oldest copies go" wait_for 30 is 1 copies
ok "the newest stays" bash -c 'ls "$1"/collected | grep -q -- "-c\.bin$"' _ "$STATE_DIR"
ok "status counts what was removed" wait_for 30 is 2 retention "['collected']['removed']"

# Age: a copy older than tasks.collected_max_days goes at the next pass.
touch -d '20 days ago' "$STATE_DIR"/collected/*-c.bin
ctl task run /bin/true >/dev/null
ok "a copy older than the age cap goes" wait_for 30 is 0 copies

# The journal: 1 MiB, runs printing 400 KB each.
head -c 409600 /dev/zero | tr '\0' x >"$TEST_DIR/out.txt"
first=$(ctl --json task run /bin/cat "$TEST_DIR/out.txt" | jget 'd["id"]')
ok "a run's output is in the journal" test "$(rows "$first")" = 1
ctl settings set tasks.journal_max_mb=1 >/dev/null
for i in 1 2 3; do last=$(ctl --json task run /bin/cat "$TEST_DIR/out.txt" | jget 'd["id"]'); done
ok "over the size cap the oldest run leaves the journal" wait_for 30 is 0 rows "$first"
ok "the newest stays" test "$(rows "$last")" = 1
ok "the journal is within its cap" \
	wait_for 30 journal_within

# Age: every row ended 100 days ago; the next agent keeps only the newest.
stop_agent
sqlite3 "$STATE_DIR/vigil.db" "UPDATE tasks_journal SET ended_ms = ended_ms - 100 * 86400000"
start_agent || exit 1
ok "ended tasks older than the age cap leave the journal" \
	wait_for 30 is 1 all_rows
ok "but the newest, which numbers the next task" test "$(rows "$last")" = 1
next=$(ctl --json task run /bin/true | jget 'd["id"]')
ok "ids keep growing" test "$next" -gt "$last"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Vigil's own rules (dist/rules): each behaviour is really performed here — in the test's
# directory, as the test user where the behaviour allows it, on loopback or in a network
# namespace of the test's own — and the rule's detection must come with the right evidence.
# One finding is also checked against what OCSF 1.8.0 wants of a Detection Finding.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/detection-lib.sh"

M="vgdet$$x$RANDOM"
NS="vgdet$$"
PORT=$(free_port)
NSPORT=4444

det_expect dev_tcp 450696e3-1011-4859-a508-25d229f61f33 <<EOF
e['process']['file']['path'].endswith('/bash') and e['process']['cmd_line'].startswith('bash -c : $M-tcp; exec 3<>/dev/tcp/127.0.0.1/$PORT')
EOF
det_expect shell_connect dc075124-2668-4863-8065-30613e6b175a <<EOF
e['dst_endpoint']['port'] == $PORT and e['actor']['process']['file']['path'].endswith('/bash')
EOF
det_expect netcat 0e134ee7-db21-4a40-a4be-fcbc34728239 <<EOF
e['process']['file']['path'] == '$W/nc' and '$M-nc' in e['process']['cmd_line']
EOF
det_expect interpreter_shell f7511769-2f7d-408d-bb83-26fa2a532bc9 <<EOF
'/python' in e['process']['file']['path'] and e['process']['cmd_line'].endswith("subprocess.call(['/bin/true','$M-py'])")
EOF
det_expect base64_shell 8803a1a8-f186-4b06-845d-d87c70edf46f <<EOF
e['process']['cmd_line'].startswith('sh -c : $M-b64; echo ')
EOF
det_expect download_shell 64d21d45-65c1-4771-8a26-126112706feb <<EOF
e['process']['cmd_line'] == 'sh -c : $M-dl; curl -s file://$W/payload.sh | sh'
EOF
det_expect shadow_read 21be04bf-b9fa-400d-8688-82bf39a1a52b <<EOF
e['data']['audit_record']['key'] == 'vigil-read' and e['actor']['process']['file']['path'].endswith('/cat') and e['actor']['process']['pid'] == int(open('$TEST_DIR/cat.pid').read())
EOF
det_expect cron d641a90e-2c95-4357-b6c6-01563c28f1b7 <<EOF
e['file']['path'] == '$W/etc/cron.d/$M'
EOF
det_expect systemd 2284a472-093c-4de0-be54-34cadf249991 <<EOF
e['file']['path'] == '$W/home/.config/systemd/user/$M.service'
EOF
det_expect ld_so_preload e510539f-2ea1-43a1-95b9-abbb05f2252a <<EOF
e['file']['path'] == '$W/$M/etc/ld.so.preload'
EOF
det_expect ld_preload_variable d5c63fdb-0447-4625-99d6-eef16dca79fb <<EOF
e['process']['cmd_line'] == 'env LD_PRELOAD=$W/$M.so /bin/true'
EOF
det_expect authorized_keys 1bfd7c90-23c7-47e2-9fbc-4ea7ae0ce29b <<EOF
e['file']['path'] == '$W/$M/.ssh/authorized_keys'
EOF
det_expect interpreter_network e5b9e22d-741f-4293-bb8f-93316ea42fe9 <<EOF
e['dst_endpoint']['ip'] == '192.0.2.1' and e['dst_endpoint']['port'] == $NSPORT and '/python' in e['actor']['process']['file']['path']
EOF
det_expect sudoers 039fe604-8363-4fe8-b7a9-1673cd95263b <<EOF
e['file']['path'] == '$W/etc/sudoers.d/$M'
EOF
det_expect setuid 3714bea7-ade1-4b9c-84c3-8687bd87f408 <<EOF
e['process']['cmd_line'] == 'chmod u+s $W/$M-suid'
EOF
det_expect setuid_octal 3714bea7-ade1-4b9c-84c3-8687bd87f408 <<EOF
e['process']['cmd_line'] == 'chmod 4755 $W/$M-suid'
EOF
det_expect audit_tampering eb6cf5f5-e8b1-45a2-b692-f225589355e2 <<EOF
e['process']['cmd_line'] == 'auditctl -D -k $M-audit'
EOF
det_expect webserver_shell 83f93e63-e6af-430c-b4bd-b06261ca7de0 <<EOF
e['process']['parent_process']['file']['path'] == '$W/nginx' and e['process']['cmd_line'] == "sh -c true $M-web"
EOF

plan $(($(det_count) + 9))

ok "the agent runs with Vigil's rules in force" det_start_agent "$DET_DEFAULT_RULES"
ctl --json detection rules list >"$TEST_DIR/rules.json"
ok "every rule of dist/rules loads, none refused" \
	test "$(fget "$TEST_DIR/rules.json" "(e['rules'], e['refused'])")" = "($(ls "$DET_DEFAULT_RULES"/*.yml | wc -l), 0)"
ok "the read watches of the shadow rule are in the kernel" wait_for 30 sh -c 'auditctl -l | grep -q "key=vigil-read"'

det_listen "$PORT"
ok "a listener runs in the test's namespace, on 192.0.2.1:4444" det_ns_listener "$NS"

# Reverse shells: bash's /dev/tcp (a process start and a connection by the shell itself),
# netcat's -e (a program named nc with netcat's options: no netcat here), and Python's
# socket + dup2 + subprocess one-liner; all to the loopback listener.
as_user bash -c ": $M-tcp; exec 3<>/dev/tcp/127.0.0.1/$PORT; echo hello >&3"
cp /bin/dash "$W/nc"
as_user "$W/nc" -e -c "true $M-nc" 127.0.0.1 "$PORT"
as_user /usr/bin/python3 -c "import socket,subprocess,os;s=socket.socket();s.connect(('127.0.0.1',$PORT));os.dup2(s.fileno(),1);subprocess.call(['/bin/true','$M-py'])"
# Payloads that never touch the disk.
as_user sh -c ": $M-b64; echo $(printf true | base64) | base64 -d | sh"
printf 'true\n' >"$W/payload.sh"
as_user sh -c ": $M-dl; curl -s file://$W/payload.sh | sh"
# A shadow read by a program that has no business reading it (root: a user cannot).
cat /etc/shadow >/dev/null &
echo $! >"$TEST_DIR/cat.pid"
wait $!
# Persistence, written where the test user may write.
as_user mkdir -p "$W/etc/cron.d" "$W/home/.config/systemd/user" "$W/$M/etc" "$W/$M/.ssh" "$W/etc/sudoers.d"
as_user sh -c "echo '# $M' >'$W/etc/cron.d/$M'"
as_user sh -c "printf '[Service]\nExecStart=/bin/true\n' >'$W/home/.config/systemd/user/$M.service'"
as_user sh -c ": >'$W/$M/etc/ld.so.preload'"
as_user env "LD_PRELOAD=$W/$M.so" /bin/true 2>/dev/null
as_user sh -c "echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI $M' >>'$W/$M/.ssh/authorized_keys'"
as_user sh -c "echo '# $M' >'$W/etc/sudoers.d/$M'"
# An interpreter that reaches an address other than the host's own (in the namespace).
ip netns exec "$NS" setpriv --reuid "$DET_UID" --regid "$DET_UID" --clear-groups -- \
	/usr/bin/python3 -c "import socket; socket.create_connection(('192.0.2.1', $NSPORT), 2).close()"
# Privilege: a set-user-ID file, symbolic and octal.
as_user cp /bin/true "$W/$M-suid"
as_user chmod u+s "$W/$M-suid"
as_user chmod 4755 "$W/$M-suid"
# Audit rules deleted: only those of a key nobody uses, so that nothing is lost.
auditctl -D -k "$M-audit" >/dev/null
# A shell started by a web server (a program named nginx).
cp /bin/dash "$W/nginx"
as_user "$W/nginx" -c "sh -c 'true $M-web'; true"

det_check 60
# What the agent made of the interpreter's connection, should its rule not have fired.
if ! fget "$DET_RESULT" "e['interpreter_network'] or exit(1)" >/dev/null; then
	sqlite3 "$STATE_DIR"/*.db "SELECT event FROM spool_events WHERE class_uid = 4001 AND instr(event, '192.0.2.1')" |
		cut -c1-1500 | sed 's/^/# /'
fi

f="$TEST_DIR/finding.json"
det_found dev_tcp "$f"
ok "the finding is a Detection Finding, Create, high" \
	test "$(fget "$f" "(e['class_uid'], e['category_uid'], e['activity_id'], e['type_uid'], e['severity_id'])")" = "(2004, 2, 1, 200401, 4)"
ok "its analytic is the rule" test "$(fget "$f" "(e['finding_info']['analytic']['uid'], e['finding_info']['analytic']['type_id'], e['finding_info']['analytic']['name'])")" = \
	"('450696e3-1011-4859-a508-25d229f61f33', 1, 'Shell Redirected to a Network Socket')"
ok "its ATT&CK technique and tactic come from the tags" \
	test "$(fget "$f" "[(a['technique']['uid'], a['sub_technique']['uid'], a['tactic']['uid']) for a in e['finding_info']['attacks']]")" = \
	"[('T1059', 'T1059.004', 'TA0002')]"
ok "it names its profiles, its uid and its correlation uid" \
	test "$(fget "$f" "(e['metadata']['profiles'], e['finding_info']['uid'] == e['metadata']['correlation_uid'], len(e['finding_info']['uid']))")" = \
	"(['host', 'security_control'], True, 36)"
ok "alert only by default: allowed, disposition Alert" \
	test "$(fget "$f" "(e['action_id'], e['disposition_id'], e['unmapped']['detection']['action'])")" = "(1, 19, 'alert')"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Public Sigma rules (the shared corpus, read in place from $VIGIL_SHARED_DIR/sigma-corpus,
# never copied) on the live agent: more than thirty behaviours are really performed here —
# process starts, connections on loopback or in the test's own network namespace, file
# writes, in the test's directory and as the test user where the behaviour allows — and each
# named rule must fire with the right evidence.  Rules of process_creation, network_connection,
# file_event, and auditd rules over the raw records (EXECVE, SYSCALL) are among them.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/detection-lib.sh"

CORPUS="${VIGIL_SHARED_DIR:?}/sigma-corpus"
M="vgcorp$$x$RANDOM"
NS="vgcorp$$"
PORT=$(free_port)

# cid FILE: the id of the corpus rule in FILE (found anywhere under the corpus).
cid() { awk '/^id:/ { print $2; exit }' "$(find "$CORPUS" -name "$1" -print -quit)"; }
# PID of a behaviour whose command line cannot carry the mark: kept in a file.
pidof_b() { echo "int(open('$TEST_DIR/$1.pid').read())"; }
# bg_pid NAME COMMAND...: runs COMMAND (an executable, not a function) as the test user,
# keeping its pid.
bg_pid() { local name=$1; shift; "${AS_USER[@]}" "$@" & echo $! >"$TEST_DIR/$name.pid"; wait $!; }

P=proc_creation_lnx_
# A Python string literal of $1, made in the shell: the texts of the behaviours never appear on
# another process's command line, where the rules would see them.
pyq() { local s=${1//\\/\\\\}; s=${s//\'/\\\'}; printf "'%s'" "$s"; }
cmd_is() { echo "e['process']['cmd_line'] == $(pyq "$1")"; }
cmd_has() { echo "$(pyq "$1") in e['process']['cmd_line']"; }
pid_is() { echo "e['process']['pid'] == $(pidof_b "$1")"; }

det_expect auditctl_clear "$(cid ${P}auditctl_clear_rules.yml)" <<<"$(cmd_is "auditctl -D -k $M")"
det_expect base64_decode "$(cid ${P}base64_decode.yml)" <<<"$(cmd_is "base64 -d $W/$M.b64")"
det_expect base64_execution "$(cid ${P}base64_execution.yml)" <<<"$(cmd_has "sh -c : $M-b64exec;")"
det_expect base64_shebang "$(cid ${P}base64_shebang_cli.yml)" <<<"$(cmd_is "/bin/echo IyEvYmluL3NoCg== $M")"
det_expect bash_interactive "$(cid ${P}bash_interactive_shell.yml)" <<<"$(cmd_is "bash -i -c true $M")"
det_expect capsh "$(cid ${P}capsh_shell_invocation.yml)" <<<"$(pid_is capsh)"
det_expect chattr "$(cid ${P}chattr_immutable_removal.yml)" <<<"$(cmd_is "chattr -i $W/$M")"
det_expect chmod_tmp "$(cid ${P}chmod_targeting_sensitive_directories.yml)" <<<"$(cmd_is "chmod 644 $W/$M")"
det_expect clear_logs "$(cid ${P}clear_logs.yml)" <<<"$(cmd_is "rm -f /var/log/$M-none")"
det_expect cp_passwd "$(cid ${P}cp_passwd_or_shadow_tmp.yml)" <<<"$(cmd_is "cp /etc/passwd $W/passwd-$M")"
det_expect curl_usage "$(cid ${P}curl_usage.yml)" <<<"$(cmd_is "curl -s -o /dev/null file://$W/$M")"
det_expect curl_exec_tmp "$(cid ${P}curl_wget_exec_tmp.yml)" <<<"$(cmd_has "sh -c /usr/bin/curl -s -o $W/$M-dl")"
det_expect dd_overwrite "$(cid ${P}dd_file_overwrite.yml)" <<<"$(cmd_is "dd if=/dev/zero of=$W/$M-dd bs=1 count=1")"
det_expect env_shell "$(cid ${P}env_shell_invocation.yml)" <<<"$(cmd_is "env /bin/sh -c true $M")"
det_expect find_discovery "$(cid ${P}file_and_directory_discovery.yml)" <<<"$(cmd_is "find $W -name $M")"
det_expect file_deletion "$(cid ${P}file_deletion.yml)" <<<"$(cmd_is "rm -f $W/$M-gone")"
det_expect find_shell "$(cid ${P}find_shell_execution.yml)" <<<"$(cmd_has "-exec /bin/sh -c true $M")"
det_expect flock_shell "$(cid ${P}flock_shell_execution.yml)" <<<"$(cmd_is "flock -u $W/$M.lock /bin/sh -c true")"
det_expect grep_arch "$(cid ${P}grep_os_arch_discovery.yml)" <<<"$(cmd_is "grep -q $M /dev/null x86_64")"
det_expect local_account "$(cid ${P}local_account.yml)" <<<"$(cmd_is "cat /etc/passwd $W/$M")"
det_expect local_groups "$(cid ${P}local_groups.yml)" <<<"$(cmd_is "cat /etc/group $W/$M")"
det_expect mkfifo "$(cid ${P}mkfifo_named_pipe_creation.yml)" <<<"$(cmd_is "mkfifo $W/$M.fifo")"
det_expect mkfifo_tmp "$(cid ${P}mkfifo_named_pipe_creation_susp_location.yml)" <<<"$(cmd_is "mkfifo $W/$M.fifo")"
det_expect nice_shell "$(cid ${P}nice_shell_execution.yml)" <<<"$(pid_is nice)"
det_expect nohup "$(cid ${P}nohup.yml)" <<<"$(cmd_is "nohup true $M")"
det_expect perl_reverse "$(cid ${P}perl_reverse_shell.yml)" <<<"$(cmd_has "exec(\"/bin/true\",\"$M\")")"
det_expect python_b64 "$(cid ${P}python_base64_encoded_execution.yml)" <<<"$(cmd_has "# $M-b64")"
det_expect python_http "$(cid ${P}python_http_server_execution.yml)" <<<"$(cmd_has "print('$M-http')")"
det_expect python_pty "$(cid ${P}python_pty_spawn.yml)" <<<"$(cmd_has "pty.spawn(['/bin/true', '$M-pty'])")"
det_expect python_reverse "$(cid ${P}python_reverse_shell.yml)" <<<"$(cmd_has "pty.spawn(['/bin/true','$M-rev'])")"
det_expect python_os_system "$(cid ${P}python_shell_os_system.yml)" <<<"$(cmd_has "os.system('/bin/sh -c true # $M')")"
det_expect setgid_setuid "$(cid ${P}setgid_setuid.yml)" <<<"$(cmd_is "sh -c chown root $W/$M-suid; chmod u+s $W/$M-suid")"
det_expect history_delete "$(cid ${P}susp_history_delete.yml)" <<<"$(cmd_is "rm -f $W/$M/.bash_history")"
det_expect history_recon "$(cid ${P}susp_history_recon.yml)" <<<"$(cmd_is "cat $W/$M/.bash_history")"
det_expect pipe_shell "$(cid ${P}susp_pipe_shell.yml)" <<<"$(cmd_is "sh -c echo true $M | sh")"
det_expect reading_sudoers "$(cid ${P}susp_process_reading_sudoers.yml)" <<<"$(cmd_is "cat /etc/sudoers $W/$M")"
det_expect recon_indicators "$(cid ${P}susp_recon_indicators.yml)" <<<"$(cmd_is "find $W -perm -4000 -name $M")"
det_expect uname "$(cid ${P}system_info_discovery.yml)" <<<"$(cmd_is "uname -s $M")"
det_expect who "$(cid ${P}system_network_connections_discovery.yml)" <<<"$(cmd_is "who $W/$M")"
det_expect network_discovery "$(cid ${P}system_network_discovery.yml)" <<<"$(cmd_is "ip addr show $M")"
det_expect touch_service "$(cid ${P}touch_susp.yml)" <<<"$(cmd_is "touch -t 202001010000 $W/$M.service")"
det_expect vim_shell "$(cid ${P}vim_shell_execution.yml)" <<<"$(cmd_has ":!/bin/true $M")"
det_expect wget_tmp "$(cid ${P}wget_download_suspicious_directory.yml)" <<<"$(cmd_has "-O $W/$M.wget")"
det_expect container_residence "$(cid ${P}susp_container_residence_discovery.yml)" <<<"$(pid_is cgroup)"
det_expect dockerenv "$(cid ${P}susp_dockerenv_recon.yml)" <<<"$(cmd_is "ls $W/$M/.dockerenv")"
det_expect kill "$(cid proc_creation_lnx_susp_process_termination_via_kill.yml)" <<<"$(pid_is kill)"
det_expect ps "$(cid proc_creation_lnx_susp_running_process_discovery.yml)" <<<"$(pid_is ps)"
# Connections: bash's /dev/tcp to an address that is not loopback, on a callback port.
det_expect back_connect_shell "$(cid net_connection_lnx_back_connect_shell_dev.yml)" <<EOF
e['dst_endpoint']['ip'] == '192.0.2.1' and e['dst_endpoint']['port'] == 4444 and e['actor']['process']['file']['path'].endswith('/bash')
EOF
det_expect callback_port "$(cid net_connection_lnx_susp_malware_callback_port.yml)" <<EOF
e['dst_endpoint']['ip'] == '192.0.2.1' and e['dst_endpoint']['port'] == 4444
EOF
# Files.
det_expect base64_filename "$(cid file_event_lnx_susp_filename_with_embedded_base64_command.yml)" <<<"e['file']['path'] == '$W/{echo,$M}'"
det_expect long_filename "$(cid file_event_lnx_susp_long_filename_pattern.yml)" <<<"e['file']['path'] == '$W/$M$(printf 'x%.0s' {1..100})'"
det_expect wget_file_tmp "$(cid file_event_lnx_wget_download_file_in_tmp_dir.yml)" <<<"e['file']['path'] == '$W/$M.wget'"
# auditd rules, over the raw records of the same process starts.
det_expect auditd_dd "$(cid lnx_auditd_dd_delete_file.yml)" <<<"e['data']['audit_record']['a2'] == 'of=$W/$M-dd'"
det_expect auditd_hidden "$(cid lnx_auditd_hidden_files_directories.yml)" <<<"e['data']['audit_record']['a1'] == '$W/.$M'"
det_expect auditd_chattr "$(cid lnx_auditd_chattr_immutable_removal.yml)" <<<"e['data']['audit_record']['a2'] == '$W/$M'"
det_expect auditd_cred_grep "$(cid lnx_auditd_find_cred_in_files.yml)" <<<"e['data']['audit_record'].get('a2') == '$W/$M'"
det_expect auditd_split "$(cid lnx_auditd_split_file_into_pieces.yml)" <<<"e['data']['audit_record']['comm'] == 'split' and e['process']['pid'] == $(pidof_b split)"
det_expect auditd_tmp_exe "$(cid lnx_auditd_susp_exe_folders.yml)" <<<"e['data']['audit_record']['exe'] == '$W/$M-bin'"

plan $(($(det_count) + 4))

ok "the shared corpus is there" test -d "$CORPUS/rules/linux"
# Every detection kept: the rest of the suite, running beside this test, feeds the corpus rules.
ok "the agent runs with the whole corpus" det_start_agent "$CORPUS" --set detection.keep=1000000
ctl --json detection rules list >"$TEST_DIR/rules.json"
ok "the supported corpus rules are in force" test "$(fget "$TEST_DIR/rules.json" "e['rules'] >= 190")" = True

det_listen "$PORT"
ok "a listener runs in the test's namespace, on 192.0.2.1:4444" det_ns_listener "$NS"

cd "$W" || exit 1
as_user mkdir -p "$W/$M"
as_user touch "$W/$M/.bash_history" "$W/$M-gone"
echo aGkK >"$W/$M.b64"
as_user cp /bin/true "$W/$M-bin"
printf 'secret\n' >"$W/$M"
chmod 644 "$W/$M"

auditctl -D -k "$M" >/dev/null
as_user base64 -d "$W/$M.b64" >/dev/null
as_user sh -c ": $M-b64exec; echo dHJ1ZQo= | base64 -d | sh"
as_user /bin/echo IyEvYmluL3NoCg== "$M" >/dev/null
as_user bash -i -c "true $M" </dev/null 2>/dev/null
bg_pid capsh capsh -- </dev/null
chattr -i "$W/$M" 2>/dev/null
as_user chmod 644 "$W/$M" 2>/dev/null
rm -f "/var/log/$M-none"
as_user cp /etc/passwd "$W/passwd-$M"
as_user curl -s -o /dev/null "file://$W/$M"
as_user sh -c "/usr/bin/curl -s -o $W/$M-dl file:///etc/hostname; true"
as_user dd if=/dev/zero of="$W/$M-dd" bs=1 count=1 2>/dev/null
as_user env /bin/sh -c "true $M"
as_user find "$W" -name "$M" >/dev/null
as_user rm -f "$W/$M-gone"
as_user find . -maxdepth 0 -exec /bin/sh -c "true $M" \;
as_user flock -u "$W/$M.lock" /bin/sh -c true
as_user grep -q "$M" /dev/null x86_64 2>/dev/null
as_user cat /etc/passwd "$W/$M" >/dev/null
as_user cat /etc/group "$W/$M" >/dev/null
as_user mkfifo "$W/$M.fifo"
bg_pid nice nice /bin/sh </dev/null
as_user nohup true "$M" >/dev/null 2>&1
as_user perl -e "use Socket; socket(S,PF_INET,SOCK_STREAM,getprotobyname('tcp')); if(connect(S,sockaddr_in($PORT,inet_aton('127.0.0.1')))){open(STDOUT,'>&S');exec(\"/bin/true\",\"$M\");};"
as_user /usr/bin/python3 -c "import base64; exec(base64.b64decode('cGFzcw==')) # $M-b64"
as_user /usr/bin/python3 -c "import http.server; print('$M-http')" >/dev/null
as_user /usr/bin/python3 -c "import pty; pty.spawn(['/bin/true', '$M-pty'])" </dev/null >/dev/null 2>&1
as_user /usr/bin/python3 -c "import socket,pty,os;s=socket.socket();s.connect(('127.0.0.1',$PORT));os.dup2(s.fileno(),1);pty.spawn(['/bin/true','$M-rev'])" </dev/null >/dev/null 2>&1
as_user /usr/bin/python3 -c "import os; os.system('/bin/sh -c true # $M')"
as_user cp /bin/true "$W/$M-suid"
sh -c "chown root $W/$M-suid; chmod u+s $W/$M-suid"
as_user rm -f "$W/$M/.bash_history"
as_user cat "$W/$M/.bash_history" 2>/dev/null
as_user sh -c "echo true $M | sh"
as_user cat /etc/sudoers "$W/$M" >/dev/null 2>&1
as_user find "$W" -perm -4000 -name "$M" >/dev/null
as_user uname -s "$M" >/dev/null 2>&1
as_user who "$W/$M" >/dev/null 2>&1
as_user ip addr show "$M" >/dev/null 2>&1
as_user touch -t 202001010000 "$W/$M.service"
# vim as the corpus names it (Debian runs vim.basic behind /usr/bin/vim).
cp "$(readlink -f /usr/bin/vim)" "$W/vim"
as_user "$W/vim" -E -s -N -u NONE -c ":!/bin/true $M" -c ':qa!' >/dev/null 2>&1
"${AS_USER[@]}" /usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$W" 0 >"$TEST_DIR/http.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
wait_for 30 grep -q "port" "$TEST_DIR/http.log"
HTTP=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$TEST_DIR/http.log" | head -1)
as_user wget -q -O "$W/$M.wget" "http://127.0.0.1:$HTTP/$M"
bg_pid cgroup cat /proc/self/cgroup >/dev/null
as_user ls "$W/$M/.dockerenv" >/dev/null 2>&1
bg_pid kill /bin/kill -0 $$
bg_pid ps ps -p $$ >/dev/null
ip netns exec "$NS" setpriv --reuid "$DET_UID" --regid "$DET_UID" --clear-groups -- \
	bash -c 'exec 3<>/dev/tcp/192.0.2.1/4444' 2>/dev/null
as_user touch "$W/.$M"
as_user touch "$W/{echo,$M}" "$W/$M$(printf 'x%.0s' {1..100})"
as_user grep password "$W/$M" >/dev/null
bg_pid split split "$W/$M" "$W/$M-piece"
as_user "$W/$M-bin"

det_check 90
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Network telemetry from audit (or, as telemetry-network-ebpf.sh, from eBPF): a TCP connection
# between two test network namespaces appears with both endpoints, the protocol and the
# process; the listener's accept appears as inbound and its socket as a Listen (its address the
# destination of what comes); a connection the peer refuses is a Refuse, and a refused
# non-blocking one is never an Open, nor told with another socket's end when its descriptor
# goes at once to another socket; a non-blocking one that got through is an Open with its local
# end.  With eBPF, UDP datagrams appear once per destination.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-lib.sh"
if [ "${TEL_SENSOR:-audit}" = ebpf ]; then plan 18; else plan 15; fi

N=$(( $$ % 250 + 1 ))
NSA="vgtna-$$"
NSB="vgtnb-$$"
IPA="10.213.$N.1"
IPB="10.213.$N.2"
PORT=$(( 20000 + $$ % 20000 ))
MARK="vgnet-$$-$RANDOM"

ip netns add "$NSA" && on_exit ip netns del "$NSA"
ip netns add "$NSB" && on_exit ip netns del "$NSB"
ip link add "va$$" netns "$NSA" type veth peer name "vb$$" netns "$NSB"
ip -n "$NSA" addr add "$IPA/24" dev "va$$"
ip -n "$NSB" addr add "$IPB/24" dev "vb$$"
ip -n "$NSA" link set "va$$" up
ip -n "$NSB" link set "vb$$" up
ip -n "$NSA" link set lo up
ip -n "$NSB" link set lo up

ok "the audit daemon is as the test wants" tel_setup_mode
tel_start_agent
ok "the agent runs" test -n "$AGENT_PID"

# The listener accepts one connection, and both ends hold it until the test has seen the
# events: the agent reads the local end from the live socket, however late it gets to it.
hold_until_done="end = time.monotonic() + 300
while not os.path.exists('$TEST_DIR/done') and time.monotonic() < end:
    time.sleep(0.05)"
ip netns exec "$NSB" python3 -c "
import os, socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('$IPB', $PORT)); s.listen(1)
open('$TEST_DIR/ready', 'w').close()
c, _ = s.accept()
$hold_until_done
" "$MARK-server" &
server=$!
on_exit kill $server
wait_for 60 test -f "$TEST_DIR/ready"
ip netns exec "$NSA" python3 -c "
import os, socket, time
c = socket.create_connection(('$IPB', $PORT))
print(c.getsockname()[1], flush=True)
$hold_until_done
" "$MARK-client" >"$TEST_DIR/client-port" &
client=$!
on_exit kill $client
ok "the client connected" wait_for 60 test -s "$TEST_DIR/client-port"
CPORT=$(cat "$TEST_DIR/client-port")

conn=$(wait_event 60 "e['class_uid'] == 4001 and e['activity_id'] == 1 and e['actor']['process']['pid'] == $client" "$IPB")
ok "the outbound connection is stored" test -n "$conn"
ok "with the remote end" test "$(jget "${conn:-{\}}" "(e['dst_endpoint']['ip'], e['dst_endpoint']['port'])")" = "('$IPB', $PORT)"
ok "with the local end" test "$(jget "${conn:-{\}}" "(e['src_endpoint']['ip'], e['src_endpoint']['port'])")" = "('$IPA', $CPORT)"
ok "with the protocol and the direction" test "$(jget "${conn:-{\}}" "(e['connection_info']['protocol_name'], e['connection_info']['direction_id'])")" = "('tcp', 2)"
acc=$(wait_event 60 "e['class_uid'] == 4001 and e['actor']['process']['pid'] == $server and e['connection_info']['direction_id'] == 1" "$IPA")
ok "the inbound accept is stored with both ends" test "$(jget "${acc:-{\}}" "(e['src_endpoint']['ip'], e['src_endpoint']['port'], e['dst_endpoint']['ip'], e['dst_endpoint']['port'])")" = "('$IPA', $CPORT, '$IPB', $PORT)"
ok "the listening socket is an inbound Listen, its address the destination" wait_event 60 "e['class_uid'] == 4001 and e['activity_id'] == 7 and e['actor']['process']['pid'] == $server and (e['dst_endpoint']['ip'], e['dst_endpoint']['port'], e['connection_info']['direction_id']) == ('$IPB', $PORT, 1)" "$IPB"

# Nothing listens on the next port: the peer answers with a reset.
REFUSED=$((PORT + 1))
ip netns exec "$NSA" python3 -c "
import socket
print(socket.socket().connect_ex(('$IPB', $REFUSED)))
" "$MARK-refused" >"$TEST_DIR/refused" &
refuser=$!
wait $refuser
ok "the client was refused" test "$(cat "$TEST_DIR/refused")" = 111
ok "the refused connection is a Refuse" wait_event 60 "e['class_uid'] == 4001 and e['activity_id'] == 5 and e['actor']['process']['pid'] == $refuser and e['status_code'] == 'ECONNREFUSED' and e['dst_endpoint']['port'] == $REFUSED" "$IPB"

# The same without blocking: connect() answers EINPROGRESS, the reset comes after.
ip netns exec "$NSA" python3 -c "
import select, socket
s = socket.socket(); s.setblocking(False)
s.connect_ex(('$IPB', $REFUSED))
select.select([], [s], [], 60)
print(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
" "$MARK-nonblock" >"$TEST_DIR/nonblock" &
nonblock=$!
wait $nonblock
# Its event (or, for audit, the "Connecting" that stands for it) comes before the marker's.
/bin/true "$MARK-after-nonblock"
wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 2" "$MARK-after-nonblock" >/dev/null
wait_event 60 "e['class_uid'] == 4001 and e['actor']['process']['pid'] == $nonblock" "$IPB" >/dev/null
ok "a refused non-blocking connection is never an Open" test "$(show_json --grep "$IPB" | python3 -c "
import json, sys
print(sum(1 for e in json.load(sys.stdin) if e['class_uid'] == 4001 and e['actor']['process']['pid'] == $nonblock and e['activity_id'] == 1))")" = 0

if [ "$TEL_SENSOR" = ebpf ]; then
	ok "with eBPF it is a Refuse" wait_event 60 "e['class_uid'] == 4001 and e['activity_id'] == 5 and e['actor']['process']['pid'] == $nonblock" "$IPB"
	# Three datagrams to one destination and one to another: one event per destination.
	ip netns exec "$NSA" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port in ($PORT, $PORT, $PORT, $REFUSED):
    s.sendto(b'$MARK', ('$IPB', port))
print(s.getsockname()[1])
" "$MARK-udp" >"$TEST_DIR/udp-port" &
	udp=$!
	wait $udp
	UPORT=$(cat "$TEST_DIR/udp-port")
	# The socket is not bound to an address: an endpoint needs one, its local port is unmapped.
	ok "a UDP datagram is an outbound Open with its destination and local port" wait_event 60 "e['class_uid'] == 4001 and e['activity_id'] == 1 and e['actor']['process']['pid'] == $udp and e['connection_info']['protocol_name'] == 'udp' and e['connection_info']['direction_id'] == 2 and ('src_endpoint' in e, e['unmapped']['local_port'], e['dst_endpoint']['ip'], e['dst_endpoint']['port']) == (False, $UPORT, '$IPB', $PORT)" "$IPB"
	wait_event 60 "e['class_uid'] == 4001 and e['actor']['process']['pid'] == $udp and e['dst_endpoint']['port'] == $REFUSED" "$IPB" >/dev/null
	ok "once per destination" test "$(show_json --grep "$IPB" | python3 -c "
import json, sys
print(sorted(e['dst_endpoint']['port'] for e in json.load(sys.stdin) if e['class_uid'] == 4001 and e['actor']['process']['pid'] == $udp))")" = "[$PORT, $REFUSED]"
	ok "the actor's executable comes from the process table" test "$(jget "${conn:-{\}}" "e['actor']['process']['file']['path'].startswith('/')")" = True
fi

# net_case NAME PYTHON: starts PYTHON in the first namespace (its loopback has no listener but
# those it makes) as a process of its own, in case_pid; once PYTHON has run, the process holds
# its sockets (the agent reads them, however late it gets to it) until NAME.done exists.
CLOSED=$((PORT + 1))
net_case() {
	ip netns exec "$NSA" python3 -c "$2
import os, time
open('$TEST_DIR/$1.ready', 'w').close()
end = time.monotonic() + 300
while not os.path.exists('$TEST_DIR/$1.done') and time.monotonic() < end:
    time.sleep(0.05)
" "$MARK-$1" >"$TEST_DIR/$1.out" 2>&1 &
	case_pid=$!
	on_exit kill $case_pid
	wait_for 60 test -f "$TEST_DIR/$1.ready" || diag "$1: $(cat "$TEST_DIR/$1.out")"
}
# fields PID PORT EXPR: EXPR over the event of PID whose named end has PORT.
fields() {
	local ev
	ev=$(wait_event 60 "e['class_uid'] == 4001 and e['actor']['process']['pid'] == $1 and $2 in (e.get('dst_endpoint', {}).get('port'), e.get('src_endpoint', {}).get('port'))" "$2")
	[ -n "$ev" ] && jget "$ev" "$3"
}
# The descriptor of a refused non-blocking connect, closed at once, goes to a UDP socket:
# nothing of the UDP socket is the attempt's (audit cannot tell its outcome: it stays an
# attempt of unknown outcome; eBPF sees the refusal).
net_case reuse "
import errno, socket
s = socket.socket(); s.setblocking(False); fd = s.fileno()
assert s.connect_ex(('127.0.0.1', $CLOSED)) == errno.EINPROGRESS
s.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert u.fileno() == fd, (u.fileno(), fd)
u.connect(('127.0.0.1', 9))
"
reuse=$case_pid
if [ "$TEL_SENSOR" = ebpf ]; then
	ok "a non-blocking connect refused after is a Refuse, without the other socket's end" \
		test "$(fields "$reuse" $CLOSED "(e['activity_id'], e['status_id'], e.get('src_endpoint', {}).get('port'), e['connection_info']['protocol_name'])")" = "(5, 2, None, 'tcp')"
else
	ok "a non-blocking connect refused after is an attempt of unknown outcome, without the other socket's end" \
		test "$(fields "$reuse" $CLOSED "(e['activity_id'], e['activity_name'], e['status_id'], 'src_endpoint' in e, 'protocol_name' in e['connection_info'])")" = "(99, 'Connecting', 0, False, False)"
	ok "and the UDP socket's connect is its own Open, with its local end" \
		test "$(fields "$reuse" 9 "(e['activity_id'], e['connection_info']['protocol_name'], e['src_endpoint']['ip'])")" = "(1, 'udp', '127.0.0.1')"
fi
touch "$TEST_DIR/reuse.done"
LPORT=$((PORT + 2))
net_case listener "
import socket
s = socket.socket(); s.bind(('127.0.0.1', $LPORT)); s.listen(1)
"
net_case pending "
import errno, select, socket
s = socket.socket(); s.setblocking(False)
assert s.connect_ex(('127.0.0.1', $LPORT)) == errno.EINPROGRESS
select.select([], [s], [], 60)
print(s.getsockname()[1], flush=True)
"
pending=$case_pid
ok "a non-blocking connect that got through is an Open with its local end" \
	test "$(fields "$pending" $LPORT "(e['activity_id'], e['status_id'], e['src_endpoint']['port'], e['connection_info']['protocol_name'])")" = "(1, 1, $(head -1 "$TEST_DIR/pending.out"), 'tcp')"
touch "$TEST_DIR/pending.done" "$TEST_DIR/listener.done"
touch "$TEST_DIR/done"
wait $client $server
finish

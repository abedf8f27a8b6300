#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Network telemetry from audit (or, as telemetry-network-ebpf.sh, from eBPF): a TCP connection
# between two test network namespaces appears with both endpoints, the protocol and the
# process; the listener's accept appears as inbound and its socket as a Listen; a connection
# the peer refuses is a Refuse, and a refused non-blocking one is never an Open.  With eBPF,
# UDP datagrams appear once per destination.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-lib.sh"
if [ "${TEL_SENSOR:-audit}" = ebpf ]; then plan 16; else plan 12; fi

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
ok "the listening socket is a Listen with its local end" wait_event 60 "e['class_uid'] == 4001 and e['activity_id'] == 7 and e['actor']['process']['pid'] == $server and (e['src_endpoint']['ip'], e['src_endpoint']['port']) == ('$IPB', $PORT)" "$IPB"

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
	# The socket is not bound to an address: its local end is a port only.
	ok "a UDP datagram is an outbound Open with both ends" wait_event 60 "e['class_uid'] == 4001 and e['activity_id'] == 1 and e['actor']['process']['pid'] == $udp and e['connection_info']['protocol_name'] == 'udp' and e['connection_info']['direction_id'] == 2 and (e['src_endpoint'], e['dst_endpoint']['ip'], e['dst_endpoint']['port']) == ({'port': $UPORT}, '$IPB', $PORT)" "$IPB"
	wait_event 60 "e['class_uid'] == 4001 and e['actor']['process']['pid'] == $udp and e['dst_endpoint']['port'] == $REFUSED" "$IPB" >/dev/null
	ok "once per destination" test "$(show_json --grep "$IPB" | python3 -c "
import json, sys
print(sorted(e['dst_endpoint']['port'] for e in json.load(sys.stdin) if e['class_uid'] == 4001 and e['actor']['process']['pid'] == $udp))")" = "[$PORT, $REFUSED]"
	ok "the actor's executable comes from the process table" test "$(jget "${conn:-{\}}" "e['actor']['process']['file']['path'].startswith('/')")" = True
fi
touch "$TEST_DIR/done"
wait $client $server
finish

# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the isolation tests (after lib.sh): namespace A runs the agent; peers B and C sit
# on veth pairs in different networks, each answering TCP, UDP and ping.
#
#   A  10.77.1.1/24 fd77:1::1/64  <->  B  10.77.1.2/24 fd77:1::2/64
#   A  10.77.2.1/24 fd77:2::1/64  <->  C  10.77.2.2/24 fd77:2::2/64
#
# TCP 7000, 8080, 9000 and UDP 5353 on B and C; TCP 8080 and UDP 5999-6011 (some) on A.

PEER="$VIGIL_TOP_SRCDIR/tests/integration/isolation-peer.py"
NS_A="vgiA$$"
NS_B="vgiB$$"
NS_C="vgiC$$"
B4=10.77.1.2 C4=10.77.2.2 A4B=10.77.1.1 A4C=10.77.2.1
B6=fd77:1::2 C6=fd77:2::2 A6B=fd77:1::1
_peer_pids=()

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }
in_c() { ip netns exec "$NS_C" "$@"; }

# flows NS tcp|udp HOST PORT: the flow from NS works.  A working flow answers at once; the
# 30 s bound is there so that a busy machine never makes it look cut.
flows() { ip netns exec "$1" timeout 120 python3 "$PEER" "$2" "$3" "$4" 30; }
# blocked NS tcp|udp HOST PORT: no answer (for TCP, no connection) within 2 s.  A cut flow
# never answers, so every such check costs the whole wait: keep it short.
blocked() { ! ip netns exec "$1" timeout 120 python3 "$PEER" "$2" "$3" "$4" 2; }
pings() { ip netns exec "$1" timeout 120 python3 "$PEER" ping "$2" 30; }
ping_blocked() { ! ip netns exec "$1" timeout 120 python3 "$PEER" ping "$2" 2; }

_start_peer() {
	local ns=$1 tcp=$2 udp=$3 out="$TEST_DIR/peer-$1.out"
	ip netns exec "$ns" python3 "$PEER" serve "$tcp" "$udp" >"$out" 2>&1 &
	_peer_pids+=($!)
	wait_for 60 grep -q ready "$out"
}

_net_cleanup() {
	local p
	for p in "${_peer_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	ip netns del "$NS_C" 2>/dev/null
}

# net_setup: builds the namespaces and starts the peers; the agent will run in A.
net_setup() {
	on_exit _net_cleanup
	ip netns add "$NS_A" && ip netns add "$NS_B" && ip netns add "$NS_C" || return 1
	in_a ip link set lo up && in_b ip link set lo up && in_c ip link set lo up || return 1
	in_a ip link add vb type veth peer name va netns "$NS_B" || return 1
	in_a ip link add vc type veth peer name va netns "$NS_C" || return 1
	in_a ip addr add "$A4B/24" dev vb && in_a ip addr add "$A4C/24" dev vc || return 1
	in_a ip -6 addr add "$A6B/64" dev vb nodad && in_a ip -6 addr add fd77:2::1/64 dev vc nodad || return 1
	in_b ip addr add "$B4/24" dev va && in_b ip -6 addr add "$B6/64" dev va nodad || return 1
	in_c ip addr add "$C4/24" dev va && in_c ip -6 addr add "$C6/64" dev va nodad || return 1
	in_a ip link set vb up && in_a ip link set vc up && in_b ip link set va up && in_c ip link set va up || return 1
	_start_peer "$NS_B" 7000,8080,9000 5353 && _start_peer "$NS_C" 7000,8080,9000 5353 &&
		_start_peer "$NS_A" 8080 5999,6000,6005,6010,6011 || return 1
	AGENT_PREFIX=(ip netns exec "$NS_A")
}

# The agent's table, as nft shows it in A (empty when absent).
vigil_table() { in_a nft list table inet vigil 2>/dev/null; }
has_vigil_table() { in_a nft list table inet vigil >/dev/null 2>&1; }
no_vigil_table() { ! has_vigil_table; }

# Another table of the host that isolation must leave alone.
other_table_add() {
	in_a nft -f - <<'NFT'
table inet filter {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 12345 accept
	}
}
NFT
}
other_table() { in_a nft list table inet filter 2>/dev/null; }

# The "state" of isolation status --json.
iso_state() { ctl --json isolation status | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'; }
iso_check_ok() {
	ctl --json isolation status | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["check"]["ok"] else 1)'
}

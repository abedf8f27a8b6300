#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The boundaries of the tree (doc/architecture.md): the installed library and the front ends
# never reach into the agent, the console and the shell never into each other, and none of the
# agent's libraries or functions end up in libvigil.so, vigilctl or vigil-console.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 9

top=$VIGIL_TOP_SRCDIR
build=$VIGIL_TOP_BUILDDIR

# includes_within DIR ALLOWED...: every #include "x" of DIR's sources names a file of DIR or of
# one of the ALLOWED directories (config.h aside).
includes_within() {
	local dir=$1 f inc found bad=0
	shift
	while read -r f inc; do
		[ "$inc" = config.h ] && continue
		found=
		for d in "$dir" "$(dirname "$f")" "$@"; do
			[ -f "$top/$d/$inc" ] && { found=1; break; }
		done
		[ -n "$found" ] || { diag "$f includes \"$inc\", outside ${*:-its own directory}"; bad=1; }
	done < <(cd "$top" && grep -rHoE '^#include "[^"]+"' --include='*.[ch]' "$dir" |
		sed -E 's/^([^:]+):#include "([^"]+)"/\1 \2/')
	return $bad
}

ok "common/ includes only itself and the public headers" includes_within common lib/include
ok "lib/ includes only itself, common/ and the public headers" includes_within lib lib/include common
ok "cli/ includes only itself, common/ and the public headers" includes_within cli common lib/include
ok "tui/ includes only itself, common/ and the public headers" includes_within tui common lib/include

# needed FILE: the shared libraries a binary or library asks for.
needed() { objdump -p "$1" | awk '/NEEDED/ {print $2}'; }
real() { local f=$1; [ -f "$(dirname "$f")/.libs/$(basename "$f")" ] && f="$(dirname "$f")/.libs/$(basename "$f")"; echo "$f"; }
agent_libs='libnftnl|libmnl|libaudit|libauparse|libcurl|libsqlite3|libsystemd|libz\.'
clean_of_agent_libs() {
	local n
	n=$(needed "$1" | grep -E "^($agent_libs)") && { diag "$1 needs $n"; return 1; }
	return 0
}
ok "libvigil.so needs none of the agent's libraries" clean_of_agent_libs "$build/lib/.libs/libvigil.so"
ok "vigilctl needs none of them" clean_of_agent_libs "$(real "$build/cli/vigilctl")"
ok "vigil-console needs none of them" clean_of_agent_libs "$(real "$build/tui/vigil-console")"

# No function of the agent's library is defined in a front end.
agent_syms=$(nm -g --defined-only "$build"/agent/.libs/libvigil-agent.a 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u)
no_agent_code() {
	local hits
	[ -n "$agent_syms" ] || { diag "no symbol read from libvigil-agent.a"; return 1; }
	hits=$(nm --defined-only "$1" | awk 'NF == 3 {print $3}' | sort -u | comm -12 - <(echo "$agent_syms"))
	[ -z "$hits" ] || { diag "$1 holds agent code: $(echo $hits | head -c 300)"; return 1; }
}
ok "vigilctl holds no agent function" no_agent_code "$(real "$build/cli/vigilctl")"
ok "vigil-console holds no agent function" no_agent_code "$(real "$build/tui/vigil-console")"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The boundaries of the tree (doc/architecture.md): the installed library and the front ends
# never reach into the agent, the console and the shell never into each other, and none of the
# agent's libraries or functions end up in libvigil.so, vigilctl or vigil-console.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 11

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

# vigil.pc, as a program built against the library reads it: it names every library that
# libvigil.so needs (for static links) and nothing of the agent's, and a program built with
# its flags runs.
pc() { PKG_CONFIG_PATH="$build/lib" pkg-config --define-variable=includedir="$top/lib/include" \
	--define-variable=libdir="$build/lib/.libs" "$@" vigil; }
pc_names_needed() {
	local libs flag sonames=" " lib missing=0 f
	libs=$(pc --static --libs) || { diag "pkg-config --static --libs vigil failed"; return 1; }
	# The sonames its -l flags stand for, as the linker finds them.
	for flag in $libs; do
		[[ $flag == -l* && $flag != -lvigil ]] || continue
		f=$(cc -print-file-name="lib${flag#-l}.so")
		[ -f "$f" ] && sonames+="$(objdump -p "$(readlink -f "$f")" 2>/dev/null | awk '/SONAME/ {print $2}') "
	done
	# The C library, and a sanitizer build's runtimes (instrumentation, not dependencies), aside.
	for lib in $(needed "$build/lib/.libs/libvigil.so" | grep -vE '^(libc|libm|libpthread|libasan|libubsan|liblsan|libtsan)\.so'); do
		[[ $sonames == *" $lib "* ]] || { diag "vigil.pc gives nothing for $lib (libs: $libs)"; missing=1; }
	done
	if grep -qE -- '-l(nftnl|mnl|audit|auparse|curl|sqlite3|systemd)( |$)' <<<"$libs"; then
		diag "vigil.pc names an agent's library: $libs"; missing=1
	fi
	[ $missing = 0 ]
}
ok "vigil.pc names what libvigil.so needs, nothing of the agent's" pc_names_needed
cat >"$TEST_DIR/client.c" <<'C'
#include <stdio.h>
#include <vigil/ioc.h>
int main(void) { printf("%zu\n", vg_ioc_term_count()); return vg_ioc_term_count() > 0 ? 0 : 1; }
C
# Built by the build's compiler with its flags: a sanitizer build's library needs its program
# built with the same sanitizers.
ok "a program built with vigil.pc's flags runs" bash -c '
	"${VIGIL_CC:-cc}" $VIGIL_CFLAGS -o "$1/client" "$1/client.c" $2 && LD_LIBRARY_PATH="$3" "$1/client"' _ "$TEST_DIR" \
	"$(pc --cflags --libs)" "$build/lib/.libs"
finish

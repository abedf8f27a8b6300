#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Settings are read through typed handles (agent/core/settings.h): a read of the right type
# compiles; a misspelt handle, a read of the wrong type, a key given as a string, and a
# definition whose type disagrees with its declaration do not.  Compiled with the build's own
# flags, the plain -Werror left out: the refusal must not depend on --enable-werror.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 5

: "${VIGIL_CC:?VIGIL_CC must name the C compiler}"
top=$VIGIL_TOP_SRCDIR
flags=()
for f in ${VIGIL_CFLAGS:-}; do
	[ "$f" = -Werror ] || flags+=("$f")
done

# compiles BODY [TOP]: whether a function returning BODY compiles after the settings headers
# (and the declarations TOP); the compiler's messages go to $TEST_DIR/cc.log.
compiles() {
	printf '#include "config.h"\n#include "settings.h"\n#include "link/link-settings.h"\n%s\n%s\n%s\n' \
		"${2:-}" "long long f(const struct vg_settings *s);" \
		"long long f(const struct vg_settings *s) { return $1; }" >"$TEST_DIR/t.c"
	"$VIGIL_CC" "${flags[@]}" -fsyntax-only -I"$VIGIL_TOP_BUILDDIR" -I"$top/agent" -I"$top/agent/core" \
		-I"$top/common" -I"$top/lib/include" "$TEST_DIR/t.c" >"$TEST_DIR/cc.log" 2>&1
}

# refused BODY PATTERN [TOP]: it does not compile, and the compiler says why (PATTERN).
refused() {
	if compiles "$1" "${3:-}"; then
		diag "compiled: $1"
		return 1
	fi
	grep -qiE "$2" "$TEST_DIR/cc.log" || { diag "$(cat "$TEST_DIR/cc.log")"; return 1; }
}

ok "a read of the right type compiles" compiles 'vg_setting_int(s, VG_S_LINK_PORT) + vg_setting_bool(s, VG_S_LINK_SYSTEM_CA)'
ok "a misspelt handle does not compile" refused 'vg_setting_int(s, VG_S_LINK_PROT)' 'VG_S_LINK_PROT.*undeclared'
ok "an integer setting read as a boolean does not compile" refused 'vg_setting_bool(s, VG_S_LINK_PORT)' \
	'incompatible[- ]pointer[- ]type'
ok "a key given as a string does not compile" refused 'vg_setting_int(s, "link.port")' \
	'incompatible[- ]pointer[- ]type'
ok "a definition of another type than its declaration does not compile" refused '0' \
	'conflicting types.*VG_S_LINK_PORT' \
	'VG_BOOL_SETTING(VG_S_LINK_PORT, .key = "link.port", .def = "no", .help = "on");'
finish

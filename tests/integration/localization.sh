#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# French: the programs speak it, errors from the agent arrive translated, and the catalog is complete.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 15

top="$VIGIL_TOP_SRCDIR"
# The build tree has its catalogs, and the programs run from it find them with no variable set.
unset VIGIL_LOCALEDIR TEXTDOMAINDIR
ok "the build compiles the French catalog into the build tree" test -s "$VIGIL_TOP_BUILDDIR/locale/fr/LC_MESSAGES/vigil.mo"
ok "LANGUAGE=fr vigil-console --help speaks French, uninstalled" bash -c 'LANGUAGE=fr "$VIGIL_TOP_BUILDDIR/tui/vigil-console" --help | grep -q "Le tableau de bord"'
# VIGIL_LOCALEDIR names the catalogs: an empty directory means English, a copy elsewhere is used.
mkdir -p "$TEST_DIR/nocat" "$TEST_DIR/cat/fr/LC_MESSAGES"
ok "VIGIL_LOCALEDIR without a French catalog: English" bash -c 'VIGIL_LOCALEDIR="$1" LANGUAGE=fr "$VIGILCTL" help | grep -q "Show the agent"' _ "$TEST_DIR/nocat"
msgfmt -o "$TEST_DIR/cat/fr/LC_MESSAGES/vigil.mo" "$top/po/fr.po"
ok "VIGIL_LOCALEDIR with a catalog: that catalog" bash -c 'VIGIL_LOCALEDIR="$1" LANGUAGE=fr "$VIGILCTL" help | grep -q "Afficher"' _ "$TEST_DIR/cat"
ok "the variable is documented in the three man pages" bash -c 'for m in vigilctl.8.in vigil-console.8.in vigild.8.in; do grep -q VIGIL_LOCALEDIR "$1/doc/$m" || exit 1; done' _ "$top"
ok "LANGUAGE=fr vigilctl help speaks French" bash -c 'LANGUAGE=fr "$VIGILCTL" help | grep -q "Afficher"'
ok "LANGUAGE=fr vigild --help speaks French" bash -c 'LANGUAGE=fr "$VIGILD" --help | grep -q "rester au premier plan"'
ok "agent starts" start_agent
out=$(LANGUAGE=fr "$VIGILCTL" settings set link.port=0 2>&1)
diag "$out"
ok "an error from the agent is shown in French" bash -c '[[ "$1" == *"doit être comprise entre 1 et 65535"* ]]' _ "$out"
ok "and in English without LANGUAGE" bash -c 'LANGUAGE= LANG=C.UTF-8 "$VIGILCTL" settings set link.port=0 2>&1 | grep -q "must be between 1 and 65535"'

# Every source file that marks strings is listed for translation...
missing=$(cd "$top" && grep -rlE '\b(N?_|P_)\(' --include='*.c' lib common agent cli tui 2>/dev/null | sort |
	comm -23 - <(grep -v '^#' po/POTFILES.in | sort))
[ -z "$missing" ] || diag "missing from po/POTFILES.in: $missing"
ok "po/POTFILES.in lists every file that uses _()" test -z "$missing"
# ...and the French catalog has no untranslated or fuzzy entry for them.
pot="$TEST_DIR/vigil.pot"
(cd "$top" && xgettext --keyword=_ --keyword=N_ --keyword=P_:1,2 --from-code=UTF-8 -o "$pot" -f po/POTFILES.in) 2>/dev/null
msgmerge -q "$top/po/fr.po" "$pot" -o "$TEST_DIR/fr.po" 2>/dev/null
stats=$(msgfmt --statistics -c -o /dev/null "$TEST_DIR/fr.po" 2>&1)
diag "$stats"
ok "po/fr.po translates every string, none fuzzy" bash -c '[[ "$1" == *"translated"* && "$1" != *"untranslated"* && "$1" != *"fuzzy"* ]]' _ "$stats"

# French typography, in every translation: a no-break space before ":" (U+00A0) and before
# ";", "?", "!" (U+202F, or U+00A0), and inside « ».  The program prefix has one form.
# Also no two translations glued into one entry (an earlier mistake): a translation far
# longer than its English, or a small letter or ")" right before a capital that the English
# does not have.
po_check() {
	python3 - "$top/po/fr.po" "$1" <<'PY'
import json, re, sys
text = open(sys.argv[1], encoding='utf-8').read()
bad = []
for e in text.split('\n\n'):
    fields, key = {}, None
    for l in e.split('\n'):
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', l)
        if m:
            key = m.group(1); fields[key] = json.loads(m.group(2))
        elif l.startswith('"') and key:
            fields[key] += json.loads(l)
    mid = fields.get('msgid')
    if not mid:
        continue
    for k, ms in fields.items():
        if not k.startswith('msgstr') or not ms:
            continue
        if sys.argv[2] == 'typography':
            for m in re.finditer(r'(.)?([:;?!])(?=[ \n)\]»"]|$)', ms):
                ok = ('\u00a0',) if m.group(2) == ':' else ('\u00a0', '\u202f')
                if m.group(1) not in ok:
                    bad.append('%r: %r' % (mid[:50], ms[max(0, m.start() - 15):m.end() + 2]))
            if re.search(r'«[^\u00a0]|[^\u00a0]»', ms):
                bad.append('%r: guillemets without no-break spaces' % mid[:50])
            if re.match(r'^(vigilctl|vigild|vigil-console) ?:', ms):
                bad.append('%r: program prefix %r' % (mid[:50], ms[:16]))
        else:
            english = mid + fields.get('msgid_plural', '')
            if len(ms) > 2 * len(mid) + 40:
                bad.append('%r: far longer than the English' % mid[:50])
            for m in re.finditer(r'[a-zà-ÿ)][A-ZÀ-Þ]', ms):
                word = re.search(r'\S*$', ms[:m.start() + 1]).group(0) + re.match(r'\S*', ms[m.start() + 1:]).group(0)
                if m.group(0) not in english and word not in ('PgSuiv', 'PgPréc'):
                    bad.append('%r: glued at %r' % (mid[:50], ms[max(0, m.start() - 20):m.end() + 20]))
print('\n'.join(bad[:20]))
sys.exit(1 if bad else 0)
PY
}
out=$(po_check typography); rc=$?
[ -z "$out" ] || diag "$out"
ok "po/fr.po follows French typography (no-break spaces, one program prefix)" test "$rc" = 0
out=$(po_check glued); rc=$?
[ -z "$out" ] || diag "$out"
ok "no two translations are glued into one entry" test "$rc" = 0
ok "LANGUAGE=fr: the program prefix is 'vigilctl :' with a no-break space" bash -c \
	'LANGUAGE=fr "$VIGILCTL" --socket /nonexistent/socket status 2>&1 | grep -q "^vigilctl$(printf "\302\240"): "'
finish

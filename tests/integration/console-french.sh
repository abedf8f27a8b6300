# SPDX-License-Identifier: GPL-3.0-or-later
# With LANGUAGE=fr the console speaks French (the catalog built for the tests: TEXTDOMAINDIR).
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 10

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
start_console LANG=C.UTF-8 LANGUAGE=fr TEXTDOMAINDIR="${TEXTDOMAINDIR:-}" VIGIL_LOCALEDIR="${VIGIL_LOCALEDIR:-}"
ok "the dashboard is in French" wait_screen 60 "Console Vigil — Tableau de bord"
ok "the state of the agent is in French" wait_screen 60 "L’agent fonctionne"
ok "the bottom bar is in French" wait_screen 60 "F1 Aide"
keys F9
ok "the settings screen is in French" wait_screen 60 "Paramètre  *Valeur"
keys F4
ok "the tasks screen is in French" wait_screen 60 "Aucune tâche pour l’instant"
keys x
ok "the run form is in French" wait_screen 60 "Exécuter un programme (run)"
keys Escape
keys F5
ok "the IOC screen is in French" wait_screen 60 "Fichiers IOC : aucun (f : choisir)"
keys F1
ok "the help is in French" wait_screen 60 "Quitter la console"
ok "q quits cleanly" quit_console

# Every string of the console has its French translation in po/fr.po (none missing, none fuzzy).
untranslated() {
	xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 -o "$TEST_DIR/tui.pot" "$VIGIL_TOP_SRCDIR"/tui/*.c &&
	msgmerge --quiet --no-fuzzy-matching -o "$TEST_DIR/tui.po" "$VIGIL_TOP_SRCDIR/po/fr.po" "$TEST_DIR/tui.pot" &&
	LC_ALL=C msgfmt --statistics -o /dev/null "$TEST_DIR/tui.po" 2>&1 | grep -E 'untranslated|fuzzy'
}
missing=$(untranslated)
ok "every string of the console is translated into French" test -z "$missing"
[ -z "$missing" ] || diag "$missing"
finish

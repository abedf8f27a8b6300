# SPDX-License-Identifier: GPL-3.0-or-later
# With LANGUAGE=fr the console speaks French (the catalog of the build tree, found by itself).
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 20

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
start_console LANG=C.UTF-8 LANGUAGE=fr
ok "the dashboard is in French" wait_screen 60 "Console Vigil — Tableau de bord"
ok "the state of the agent is in French" wait_screen 60 "^ ● Agent  *actif  *depuis [0-9:]* (il y a "
ok "every part's state is in French" sh -c "
	for part in 'Télémétrie  *désactivé' 'Liaison serveur  *non configurée' 'Isolement  *désactivé' 'Tâches  *en veille' \
		'Analyses IOC  *en veille'; do
		tmux -L $TMUX_NAME capture-pane -p -t console | grep -q \"^ [●○] \$part\" || exit 1
	done"
ok "the graphs are in French, a number and its unit held together" wait_screen 60 "Historique sur .*, une colonne toutes les 2"$'\xc2\xa0'"s"
# A part's details: its heading with a no-break space before the colon, the start as a noun.
keys Home Enter
ok "a part's details: 'Agent : actif', with a no-break space" wait_screen 60 "^ ● Agent"$'\xc2\xa0'": actif$"
ok "and when it started" wait_screen 60 "^   Démarrage"$'\xc2\xa0'":  *[0-9-]* [0-9:]* (il y a "
keys Escape
# The tabs show their labels whole ("Tableau de bord", not "Tableau d"); what does not fit is
# behind a mark, at 100 columns as at 80.
ok "the bottom bar is in French, its labels whole" wait_screen 60 "^F2 Tableau de bord F3 Télémétrie F4 Tâches F5 IOC .*▶ *$"
tmx resize-window -t console -x 80 -y 24
ok "at 80 columns too" wait_screen 60 "^F2 Tableau de bord F3 Télémétrie F4 Tâches .*▶ *$"
tmx resize-window -t console -x 100 -y 30
keys F9
ok "the settings screen is in French" wait_screen 60 "Paramètre  *Valeur"
keys F4
ok "the tasks screen is in French" wait_screen 60 "Aucune tâche pour l’instant"
keys x
ok "the run form is in French" wait_screen 60 "Exécuter un programme (run)"
keys Escape
# A task's result comes in French too, from the agent's message ids (not "no process 999999").
ctl task terminate 999999 >/dev/null 2>&1
ok "the task list says the task's outcome in French" wait_screen 60 "terminate  *échouée .*processus 999999.*aucun processus 999999"
ok "the detail pane has labelled lines in French" wait_screen 60 "Processus 999999.*disparu.*processus introuvable"
ok "with no raw data" sh -c "! tmux -L $TMUX_NAME capture-pane -p -t console | grep -qE 'start_time|\\{|no such process'"
keys F5
ok "the IOC screen is in French" wait_screen 60 "Fichiers IOC.*: aucun (f.*: choisir)"
keys F9
ok "the settings tab shows whole, the bar scrolled to it" wait_screen 60 "^◀ .* F9 Paramètres .*$"
keys F1
ok "the help is in French" wait_screen 60 "Quitter la console"
ok "and its tab, F1 Aide, whole" wait_screen 60 "F1 Aide *$"
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

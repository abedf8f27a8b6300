# SPDX-License-Identifier: GPL-3.0-or-later
# vigil-console: its widgets and tables in unit tests (drawn into curses' picture of a
# terminal), the console itself driven through tmux against the real agent.
console_units = unit/test-console-list unit/test-console-form unit/test-console-tables
check_PROGRAMS += $(console_units)
TESTS += $(console_units)
console_unit_cppflags = $(AM_CPPFLAGS) -I$(top_srcdir)/tui
console_unit_cflags = $(AM_CFLAGS) $(NCURSES_CFLAGS)
console_unit_ldadd = $(top_builddir)/tui/libvigil-console.la $(top_builddir)/common/libvigil-present.la $(top_builddir)/lib/libvigil.la \
	$(top_builddir)/common/libvigil-common.la $(CMOCKA_LIBS) $(JANSSON_LIBS) $(NCURSES_LIBS)
unit_test_console_list_SOURCES = unit/test-console-list.c unit/console-term.h
unit_test_console_list_CPPFLAGS = $(console_unit_cppflags)
unit_test_console_list_CFLAGS = $(console_unit_cflags)
unit_test_console_list_LDADD = $(console_unit_ldadd)
unit_test_console_form_SOURCES = unit/test-console-form.c unit/console-term.h
unit_test_console_form_CPPFLAGS = $(console_unit_cppflags)
unit_test_console_form_CFLAGS = $(console_unit_cflags)
unit_test_console_form_LDADD = $(console_unit_ldadd)
unit_test_console_tables_SOURCES = unit/test-console-tables.c unit/console-term.h
unit_test_console_tables_CPPFLAGS = $(console_unit_cppflags)
unit_test_console_tables_CFLAGS = $(console_unit_cflags)
unit_test_console_tables_LDADD = $(console_unit_ldadd)

console_scripts = \
	integration/console-dashboard.sh integration/console-detections.sh \
	integration/console-settings.sh \
	integration/console-french.sh \
	integration/console-resize.sh \
	integration/console-reconnect.sh \
	integration/console-readonly.sh \
	integration/console-terminal.sh \
	integration/console-slow.sh \
	integration/console-tasks.sh \
	integration/console-ioc.sh \
	integration/console-telemetry.sh \
	integration/console-isolation.sh \
	integration/console-exclusions.sh \
	integration/console-servers.sh \
	integration/console-lists.sh \
	integration/console-forms.sh \
	integration/console-refused.sh
TESTS += $(console_scripts)
EXTRA_DIST += $(console_scripts) integration/console-lib.sh
TESTS_ENVIRONMENT += VIGIL_CONSOLE='$(abs_top_builddir)/tui/vigil-console'

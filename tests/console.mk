# SPDX-License-Identifier: GPL-3.0-or-later
# vigil-console: driven through tmux against the real agent.
console_scripts = \
	integration/console-dashboard.sh \
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
	integration/console-servers.sh
TESTS += $(console_scripts)
EXTRA_DIST += $(console_scripts) integration/console-lib.sh
TESTS_ENVIRONMENT += VIGIL_CONSOLE='$(abs_top_builddir)/tui/vigil-console'

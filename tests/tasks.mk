# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the tasks subsystem (added to check_PROGRAMS, TESTS and EXTRA_DIST).
TASKS_INTEGRATION = integration/tasks-getfile.sh integration/tasks-delete.sh integration/tasks-run.sh \
	integration/tasks-terminate.sh integration/tasks-crash.sh \
	integration/tasks-hostile.sh integration/tasks-protected.sh integration/tasks-readers.sh \
	integration/tasks-cgroup.sh integration/dist-units.sh \
	integration/tasks-retention.sh integration/tasks-handover.sh \
	integration/tasks-requests.sh
TESTS += $(TASKS_INTEGRATION)
EXTRA_DIST += $(TASKS_INTEGRATION)
check_PROGRAMS += unit/test-tasks-executors
unit_test_tasks_executors_SOURCES = unit/test-tasks-executors.c
TESTS += unit/test-tasks-executors

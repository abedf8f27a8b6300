/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vigild: the Vigil agent. */
#include "config.h"

#include "agent.h"

int main(int argc, char **argv)
{
	return vg_vigild_main(argc, argv, NULL);
}

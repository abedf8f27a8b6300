# SPDX-License-Identifier: GPL-3.0-or-later
libvigil_agent_la_SOURCES += isolation/subsystem.c isolation/isolation.h isolation/exception.c \
	isolation/profiles.c isolation/elements.c isolation/nft.c isolation/nft-view.c isolation/text.c isolation/state.c isolation/apply.c \
	isolation/release.c isolation/isolation-settings.h
libvigil_agent_la_LIBADD += $(NFTNL_LIBS) $(MNL_LIBS) $(OPENSSL_LIBS)
AM_CFLAGS += $(NFTNL_CFLAGS) $(MNL_CFLAGS)

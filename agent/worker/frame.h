/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The frames between the agent and its parser sandbox (vigil-worker), each way: a 4-byte
 * total length and a 4-byte header length (both little-endian), the header (a JSON object),
 * then the payload (the rest).  Either side refuses a frame over its maximum before reading it.
 */
#ifndef VIGIL_WORKER_FRAME_H
#define VIGIL_WORKER_FRAME_H

#include <stdint.h>

#define VG_FRAME_PREFIX 8
#define VG_FRAME_HEADER_MAX (64 * 1024)             /* a request's header */
#define VG_FRAME_REQUEST_MAX (16u * 1024 * 1024)    /* a request (a document of at most 4 MiB) */
#define VG_FRAME_REPLY_MAX (32u * 1024 * 1024)      /* an answer (header only): a document's tree */
#define VG_WORKER_FD 3                              /* the worker's end of the socketpair */

static inline void vg_frame_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static inline uint32_t vg_frame_get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif

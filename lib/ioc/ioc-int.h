/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine's inside: the tree a document is loaded into, shared by parse.c, value.c, match.c, eval.c. */
#ifndef VIGIL_IOC_INT_H
#define VIGIL_IOC_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "vigil/error.h"
#include "vigil/ioc.h"

#define VG_IOC_KEEP_MAX 64          /* defects and warnings kept per document */
#define VG_IOC_MATCH_PER_UNIT 32

enum ioc_cond {
	IOC_IS = 0,
	IOC_CONTAINS,
	IOC_MATCHES,
	IOC_STARTS,
	IOC_ENDS,
	IOC_GREATER,
	IOC_LESS,
};

enum ioc_kind { IOC_AND = 0, IOC_OR, IOC_ITEM };

/* The document a node is about: a supported one (enum vg_ioc_doc), none yet, several, or one
 * with no collector (each of those is its own document, compared by name). */
#define IOC_DOC_NONE (-1)
#define IOC_DOC_MIXED (-2)
#define IOC_DOC_OTHER_BASE 1000

struct ioc_item {
	const struct vg_ioc_term *term;    /* NULL: unsupported, always unknown */
	enum ioc_cond cond;
	bool negate;
	bool preserve_case;
	bool valid;                         /* false: a defect made it unknown */
	enum vg_ioc_type type;              /* how values are compared */
	char *content;                      /* verbatim for strings, trimmed for typed values */
	size_t content_len;
	int64_t lo, hi;                     /* int/date/duration/bool value or range */
	unsigned char ip[16];
	int ip_family;
	pcre2_code *re;
};

struct ioc_node {
	enum ioc_kind kind;
	char *id;
	int doc;                            /* IOC_DOC_* or a vg_ioc_doc or other-document number */
	int parent;
	int *children;
	size_t nchildren;
	int unit;                           /* the correlation unit this node roots, or -1 */
	struct ioc_item item;
};

/* A correlation unit: a subtree (or the items of one document directly under a mixed
 * Indicator) whose items must hold for one object. */
struct ioc_unit {
	int node;                           /* the Indicator it belongs to */
	int doc;
	bool synthetic;                     /* only the direct items of node with this doc */
	bool collectable;                   /* doc has a collector */
};

struct vg_ioc {
	int version;
	char *id;
	char *description;
	char *name;
	struct ioc_node *nodes;
	size_t nnodes, cap;
	int root;
	struct ioc_unit *units;
	size_t nunits;
	char **other_docs;                  /* names of documents without a collector */
	size_t nother;
	struct vg_error *defects;
	size_t ndefects, defects_total;
	struct vg_error *warnings;
	size_t nwarnings;
	size_t indicators, items, empty_content, unsupported;
	uint32_t regex_match_limit, regex_depth_limit;
	struct vg_ioc_regex regex;          /* match set: `matches` tested elsewhere, nothing compiled here */
	uint64_t fields[4];                 /* bitmap of term fields used */
	unsigned docs;                      /* bitmap of supported documents used */
};

/* Adds a defect or a warning (English msgid with only %s arguments). */
void ioc_add_defect(struct vg_ioc *ioc, const char *where, const char *msgid, const char *a1,
		       const char *a2);
void ioc_add_warning(struct vg_ioc *ioc, const char *where, const char *msgid, const char *a1,
			const char *a2);

/* parse.c, shared with tree.c: a new node under parent (-1: the root), its index or -ENOMEM;
 * the number of a document without a collector, by name; each node's document and the
 * correlation units, once every node is there; an item's regular expression (msg: why not). */
int ioc_new_node(struct vg_ioc *ioc, enum ioc_kind kind, int parent);
int ioc_other_doc(struct vg_ioc *ioc, const char *name, size_t len);
int ioc_plan(struct vg_ioc *ioc);
int ioc_item_compile(struct ioc_item *it, char *msg, size_t size);

/* value.c: typed values. */
int ioc_parse_int(const char *s, size_t len, int64_t *out);
int ioc_parse_date(const char *s, size_t len, int64_t *out);
int ioc_parse_bool(const char *s, size_t len, int64_t *out);
int ioc_parse_ip(const char *s, size_t len, unsigned char ip[16], int *family);
/* Parses an item's Content for its type (range "A TO B", "[A TO B]" for int, date, duration). */
int ioc_item_prepare(struct vg_ioc *ioc, struct ioc_item *item, const char *where);
enum vg_ioc_type ioc_type_from_name(const char *name, bool *known);

/* match.c: one value against one item (not negated); VG_IOC_UNKNOWN when it cannot be decided.
 * md is match data for regexes (per evaluation); *limit_hit is set when PCRE2 stopped. */
enum vg_ioc_truth ioc_match_value(const struct ioc_item *item, const char *v, size_t len,
				     pcre2_match_data *md, pcre2_match_context *mc, bool *limit_hit);

#endif

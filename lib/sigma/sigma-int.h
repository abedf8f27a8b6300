/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Sigma engine's inside, shared by its files:
 *   yaml.c        the bounded YAML reader (node trees)
 *   fields.c      the log sources and the field mapping table
 *   string.c      Sigma strings: escapes, wildcards, placeholders and the encoding modifiers
 *   test.c        one compiled value (exact, prefix, glob, regex, CIDR, number...) and its match
 *   item.c        a field with its modifiers and values
 *   condition.c   the condition expression
 *   rule.c        a rule document into the model (metadata, logsource, detection)
 *   correlation.c correlation documents; corr-state.c their windows at match time
 *   set.c         inputs, rule collections, rejects, compile; prefilter.c the indexes
 *   matcher.c     evaluating events; ocsf.c the accessor over OCSF JSON
 *   regex.c       one regular expression compiled and matched at once (the sandbox side)
 */
#ifndef VIGIL_SIGMA_INT_H
#define VIGIL_SIGMA_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/error.h"
#include "vigil/sigma.h"

#define SG_MAX_REJECTS 4096
#define SG_MAX_ITEM_BYTES (1u << 20)    /* values of one item after expansion */
#define SG_MAX_GROUP_BY 8
#define SG_MAX_CORR_REFS 64
#define SG_MAX_DIR_DEPTH 16
#define SG_MAX_PLACEHOLDERS 16          /* in one value under expand */

/* --- arena.c --- */
struct sg_chunk;
struct sg_arena {
	struct sg_chunk *head;
	size_t bytes;
};

void *sg_alloc(struct sg_arena *a, size_t size);
void *sg_zalloc(struct sg_arena *a, size_t size);
char *sg_strndup(struct sg_arena *a, const char *s, size_t len);
char *sg_strdup(struct sg_arena *a, const char *s);
void sg_arena_free(struct sg_arena *a);

/* --- yaml.c --- */
enum sg_kind { SG_SCALAR = 0, SG_SEQ, SG_MAP };

struct sg_node {
	enum sg_kind kind;
	bool quoted;                 /* a quoted scalar (or tagged !!str): always a string */
	unsigned line, col;
	char *text;                  /* scalar text, NUL-terminated */
	size_t len;
	struct sg_node **items;      /* sequence items; for a map key, value, key, value... */
	size_t n;
};

struct sg_doc {
	struct sg_node *root;
	unsigned line;
	size_t start, end;           /* byte offsets of the document's text */
};

struct sg_file {
	struct sg_arena arena;
	const char *text;
	size_t len;
	struct sg_doc *docs;
	size_t ndocs, capdocs;
	unsigned err_line, err_col;  /* where parsing stopped, after an error */
};

int sg_yaml_parse(const char *data, size_t len, const char *name, const struct vg_sigma_limits *lim,
		  struct sg_file **out, struct vg_error *err);
void sg_yaml_free(struct sg_file *f);
const struct sg_node *sg_map_get(const struct sg_node *map, const char *key);
bool sg_scalar_is_null(const struct sg_node *n);
int sg_scalar_bool(const struct sg_node *n);   /* 1, 0, or -1 when not a plain boolean */

/* --- fields.c --- */
bool sg_audit_field_name_ok(const char *s);
/* The source bit of a logsource, 0 when the agent has no such events. */
unsigned sg_logsource_source(const char *product, const char *category, const char *service);

/* A field as the set resolves it: the paths to read and how to convert. */
struct sg_field {
	unsigned sources;            /* the sources whose table maps a name to it (or auditd) */
	const char *sigma;
	const char *paths[3];
	const char *aux[2];          /* HASHES: the algorithm_id and value paths */
	enum vg_sigma_convert convert;
	bool in_table;               /* one of the table's mappings (searched by keywords) */
};
#define SG_FIELD_KEYWORDS (-1)

/* --- string.c: Sigma strings --- */
#define SG_W_STAR 1
#define SG_W_ONE 2

/* A value being built: bytes, and for each byte whether it is a wildcard. */
struct sg_str {
	char *b;
	uint8_t *w;
	size_t n;
};

struct sg_strv {
	struct sg_str *v;
	size_t n, cap;
	size_t bytes;
};

/* What parsing a value needs: the placeholders of the set (for expand). */
struct sg_placeholder {
	char *name;
	char **values;
	size_t n;
};

struct sg_place_ctx {
	const struct sg_placeholder *ph;
	size_t nph;
	unsigned max_values;
};

void sg_str_free(struct sg_str *s);
void sg_strv_free(struct sg_strv *v);
int sg_strv_push(struct sg_strv *v, struct sg_str s);
/* Parses a rule's value (escapes, wildcards) into out (one value, or several when expand
 * substitutes placeholders).  Returns 0, or -EINVAL/-E2BIG with *why set (a message id, its
 * argument written in arg, VG_ERROR_ARG_SIZE bytes) or -ENOMEM.  *why must be NULL on entry. */
int sg_str_parse(const char *text, size_t len, bool expand, const struct sg_place_ctx *pc, struct sg_strv *out,
		 const char **why, char *arg);
int sg_str_dup_into(struct sg_strv *out, const struct sg_str *s);
bool sg_str_has_wild(const struct sg_str *s);
void sg_str_wrap(struct sg_str *s, bool head, bool tail);   /* contains / startswith / endswith */
int sg_str_utf16(struct sg_str *s, bool big_endian, bool bom);
int sg_str_base64(struct sg_str *s);
int sg_str_base64offset(const struct sg_str *s, struct sg_strv *out);
int sg_str_windash(const struct sg_str *s, struct sg_strv *out, unsigned max_values);

/* --- test.c: one compiled value --- */
enum sg_test_kind {
	SG_T_EXACT = 0,
	SG_T_PREFIX,
	SG_T_SUFFIX,
	SG_T_CONTAINS,
	SG_T_ANY,                    /* "*": any value that is not null */
	SG_T_GLOB,
	SG_T_REGEX,
	SG_T_CIDR,
	SG_T_NUM,
	SG_T_FIELDREF,
	SG_T_TIME,
	SG_T_EXISTS,
	SG_T_NULL,
};

enum sg_cmp { SG_CMP_LT = 0, SG_CMP_LTE, SG_CMP_GT, SG_CMP_GTE };
enum sg_time_unit { SG_TU_MINUTE = 0, SG_TU_HOUR, SG_TU_DAY, SG_TU_WEEK, SG_TU_MONTH, SG_TU_YEAR };

struct sg_test {
	uint8_t kind;
	bool cased;
	char *lit;                   /* literal (lowered unless cased), or the glob's bytes */
	size_t len;
	uint8_t *wild;               /* GLOB: the wildcard flags of lit */
	pcre2_code *re;              /* REGEX: compiled here, or NULL and ext evaluates lit */
	struct vg_sigma_regex ext;   /* REGEX evaluated elsewhere: the pattern is lit, len */
	uint32_t re_flags;           /* its PCRE2 options (i, m, s) */
	uint8_t addr[16];            /* CIDR */
	uint8_t family;              /* 4 or 6 */
	uint8_t prefix;
	uint8_t cmp;                 /* NUM */
	double num;
	int field;                   /* FIELDREF: the other field */
	bool sw, ew;                 /* FIELDREF: startswith / endswith (both: contains) */
	uint8_t unit;                /* TIME */
	int64_t part;
	bool exists;                 /* EXISTS */
	const char *orig;            /* auditd strings: the value as written (for the audit needs) */
};

/* A value of an event as the matcher holds it. */
struct sg_val {
	const char *v;               /* as given */
	const char *lv;              /* lowered (ASCII) */
	size_t len;
	bool null;
};

/* Compiles a Sigma string into t (its bytes in arena). */
int sg_test_from_str(struct sg_arena *a, const struct sg_str *s, bool cased, struct sg_test *t);
bool sg_test_string(const struct sg_test *t, const struct sg_val *v);
bool sg_glob(const char *p, const uint8_t *w, size_t pn, const char *s, size_t sn);
bool sg_parse_ip(const char *s, size_t len, uint8_t addr[16], uint8_t *family);
int sg_parse_cidr(const char *s, struct sg_test *t);
bool sg_test_cidr(const struct sg_test *t, const struct sg_val *v);
bool sg_parse_number(const char *s, size_t len, double *out);
bool sg_test_num(const struct sg_test *t, const struct sg_val *v);
bool sg_test_time(const struct sg_test *t, const struct sg_val *v);
void sg_lower(char *dst, const char *src, size_t len);

/* --- the detection model --- */
struct sg_group {
	struct sg_test *alts;        /* alternatives of one value (an expansion): OR */
	size_t n;
};

struct sg_item {
	int field;                   /* index in the set's fields, or SG_FIELD_KEYWORDS */
	bool all;                    /* values linked with AND (modifier all) */
	bool neg;                    /* modifier neq: the item is negated */
	bool null_ok;                /* a null value: the field is absent or null */
	struct sg_group *groups;
	size_t ngroups;
	unsigned line, col;
};

struct sg_conj {
	struct sg_item *items;       /* AND */
	size_t n;
};

struct sg_selection {
	const char *name;
	struct sg_conj *alts;        /* OR (a list of maps; a map is one) */
	size_t n;
	unsigned line, col;
};

enum sg_cond_op { SG_C_AND = 0, SG_C_OR, SG_C_NOT, SG_C_SEL };

struct sg_cond {
	uint8_t op;
	unsigned sel;
	struct sg_cond **kids;
	size_t n;
};

/* --- correlations --- */
enum sg_corr_op { SG_CO_GT = 0, SG_CO_GTE, SG_CO_LT, SG_CO_LTE, SG_CO_EQ, SG_CO_NEQ, SG_CO_COUNT };

struct sg_alias {
	const char *alias;
	const char **rule_names;
	const char **fields;
	size_t n;
};

struct sg_corr {
	const char **refs;
	size_t nrefs;
	struct vg_sigma_rule **ref_rules;
	const char **group_by;
	size_t ngroup;
	struct sg_alias *aliases;
	size_t naliases;
	int64_t timespan_ms;
	bool has[SG_CO_COUNT];
	int64_t val[SG_CO_COUNT];
	const char *value_field;
	bool generate;
	bool at_close;               /* the condition is decided when the window closes */
	/* At compile: the field of each group-by (then of value_field) for an event that came
	 * through ref r as source bit s: fields[(r * VG_SIGMA_SRC_COUNT + s) * (ngroup + 1) + g],
	 * -1 when the event has no such field. */
	int *fields;
	unsigned slot;               /* the matcher's state of this correlation */
};

/* A correlation that counts a rule: the correlation and the rule's place in its list. */
struct sg_user {
	struct vg_sigma_rule *corr;
	unsigned ref;
};

struct vg_sigma_rule {
	struct vg_sigma_rule_info info;
	struct sg_arena arena;
	unsigned index;
	unsigned source;             /* detection: its one source bit */
	struct sg_selection *sels;
	size_t nsels;
	struct sg_cond *cond;
	struct sg_corr *corr;
	pcre2_code **regexes;
	size_t nregexes, capregexes;
	bool disabled;
	bool evaluated;              /* reported, or feeds a correlation */
	struct sg_user *users;
	size_t nusers;
	const char **selection_names;
	const char *levelname;
};

/* --- rule.c / correlation.c --- */
/* What the parser of one document needs from the set. */
struct sg_parse_ctx {
	struct vg_sigma_set *set;
	const char *file;
	const struct sg_file *yf;
	const struct sg_doc *doc;
	struct vg_error *err;
	/* Filled for the reject when parsing fails. */
	unsigned line, col;
	char source_name[128];       /* copied: the rule is freed when refused */
	bool unsupported_source;
};

int sg_rule_parse(struct sg_parse_ctx *pc, const struct sg_node *root, struct vg_sigma_rule **out);
void sg_rule_free(struct vg_sigma_rule *r);
int sg_corr_parse(struct sg_parse_ctx *pc, const struct sg_node *root, struct vg_sigma_rule *r);
/* vg_error_set() with a message id from a variable (our N_() strings, %s only). */
int sg_error(struct vg_error *err, int code, const char *msgid, const char *a1, const char *a2);
/* Fills pc->err with "FILE:LINE:COL: " and the message, at the node (the document when NULL). */
int sg_fail(struct sg_parse_ctx *pc, const struct sg_node *at, int code, const char *msgid, const char *a1,
	    const char *a2);
int sg_rule_add_regex(struct vg_sigma_rule *r, pcre2_code *re);

/* item.c */
int sg_item_parse(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *key,
		  const struct sg_node *value, struct sg_item *item);
int sg_keywords_parse(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *list,
		      struct sg_item *item);

/* condition.c */
int sg_condition_parse(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *cond);

/* --- set.c --- */
struct sg_index;

struct vg_sigma_set {
	struct vg_sigma_limits lim;
	struct sg_arena arena;
	struct vg_sigma_rule **rules;
	size_t nrules, caprules;
	struct vg_sigma_reject *rejects;
	size_t nrejects, caprejects, reject_total;
	struct sg_field *fields;
	size_t nfields, capfields;
	struct sg_placeholder *ph;
	size_t nph;
	char **disabled;
	size_t ndisabled;
	bool compiled;
	bool no_prefilter;           /* tests: evaluate every rule of the source */
	unsigned sources;
	unsigned ncorr;
	struct sg_index *index[VG_SIGMA_SRC_COUNT];
	pcre2_compile_context *cctx;
	struct vg_sigma_regex regex; /* match NULL: regular expressions compiled here */
	unsigned files_read;
	struct vg_sigma_audit_needs needs;
};

/* The set's field for (source, Sigma name): its index, or -1 when the name has no mapping. */
int sg_field_resolve(struct vg_sigma_set *set, unsigned source, const char *sigma);
unsigned sg_source_index(unsigned bit);

/* --- prefilter.c --- */
int sg_prefilter_build(struct vg_sigma_set *set);
void sg_prefilter_free(struct vg_sigma_set *set);
/* Whether an auditd rule can only match records of types it names. */
bool sg_prefilter_restricts_type(const struct vg_sigma_set *set, const struct vg_sigma_rule *r);

/* --- audit-types.c: the audit record types an auditd rule can match --- */
#define SG_TYPESET_MAX 16
struct sg_typeset {
	bool all;                    /* any type (then v is unused) */
	const char *v[SG_TYPESET_MAX];
	size_t n;
};

struct sg_typeset sg_rule_audit_types(const struct vg_sigma_set *set, const struct vg_sigma_rule *r);
/* Does one alternative (an AND of items) require the record's key to be one of the exact
 * values it lists?  Every value of its positive key item is an exact string as written. */
bool sg_conj_requires_key(const struct vg_sigma_set *set, const struct sg_conj *c);
/* Whether the item tests the field of this Sigma name. */
bool sg_item_is_field(const struct vg_sigma_set *set, const struct sg_item *it, const char *name);

/* The candidates of an event of one source: calls back for each guarded field to get its
 * lowered values, marks rules in stamp[] with gen. */
struct sg_matcher_fields;
typedef const struct sg_val *(*sg_values_fn)(void *m, int field, size_t *n);
void sg_prefilter_mark(const struct vg_sigma_set *set, unsigned src_index, sg_values_fn values, void *m,
		       uint32_t *stamp, uint32_t gen);
/* The rules of a source to evaluate (in order) and whether each needs its guard to fire. */
void sg_prefilter_rules(const struct vg_sigma_set *set, unsigned src_index, const uint32_t **rules,
			const uint8_t **guarded, size_t *n);

/* --- matcher.c, for corr-state.c: the values of a field of the event being evaluated. --- */
struct vg_sigma_matcher;
const struct sg_val *sg_matcher_values(struct vg_sigma_matcher *m, int field, size_t *n);

/* --- corr-state.c: the windows of the correlations --- */
struct sg_corr_state;

/* What a correlation that fired says (valid until the next call into the state). */
struct sg_corr_fire {
	const char *group;
	uint64_t count;
	int64_t first_ms, last_ms;
	const uint64_t *ids;
	size_t nids;
};

typedef int (*sg_corr_fire_fn)(void *m, const struct vg_sigma_rule *corr, const struct sg_corr_fire *fire);

int sg_corr_state_new(const struct vg_sigma_set *set, struct sg_corr_state **out);
void sg_corr_state_free(struct sg_corr_state *cs);
/* Counts an event that matched the corr's reference ref, as source bit index src.  Returns 1
 * and fills fire when the correlation's condition is met, 0 when not, -ENOMEM. */
int sg_corr_feed(struct sg_corr_state *cs, struct vg_sigma_matcher *m, const struct vg_sigma_rule *corr, unsigned ref,
		 unsigned src, uint64_t id, int64_t t, struct sg_corr_fire *fire);
/* Closes the windows that end before t and forgets old groups; fn gets each correlation that
 * fires at a window's close. */
int sg_corr_tick(struct sg_corr_state *cs, int64_t t, sg_corr_fire_fn fn, void *m);
void sg_corr_counts(const struct sg_corr_state *cs, uint64_t *groups, uint64_t *groups_evicted,
		    uint64_t *events_evicted);

#endif

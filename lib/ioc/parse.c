/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The OpenIOC loader: bytes in memory → a safe libxml2 parse (no DTD, no entities, no network)
 * → the tree of Indicators and IndicatorItems, 1.0 normalised to 1.1 semantics.  What real
 * files get wrong but can be read (order, missing attributes, empty Content) becomes a defect;
 * what cannot be trusted (DTD, limits, unknown conditions) refuses the document.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "fileio.h"
#include "ioc-int.h"
#include "nls.h"

#define NS_10 "http://schemas.mandiant.com/2010/ioc"
#define NS_11 "http://openioc.org/schemas/OpenIOC_1.1"

struct loader {
	struct vg_ioc *ioc;
	const struct vg_ioc_limits *lim;
	const char *ns;
	char **seen_terms;          /* unsupported terms already warned about */
	size_t nseen;
	struct vg_error *err;
};

static pthread_once_t parser_once = PTHREAD_ONCE_INIT;

/* The document is read by us; every other resource libxml2 might want to load is refused. */
static xmlParserInputPtr deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static void parser_init(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(deny_loader);
}

/* A DOCTYPE stops the parse before any entity declaration is even read. */
static void reject_subset(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	xmlParserCtxtPtr ctxt = ctx;
	(void)name;
	(void)ext;
	(void)sys;
	*(bool *)ctxt->_private = true;
	xmlStopParser(ctxt);
}

void vg_ioc_limits_init(struct vg_ioc_limits *l)
{
	l->max_file_size = 4u << 20;
	l->max_elements = 100000;
	l->max_depth = 32;
	l->max_items = 10000;
	l->max_content = 65536;
	l->max_regex = 4096;
	l->regex_match_limit = 1000000;
	l->regex_depth_limit = 10000;
}

static void add_note(struct vg_error **arr, size_t *n, const char *where, const char *msgid, const char *a1,
		     const char *a2)
{
	if (*n >= VG_IOC_KEEP_MAX)
		return;
	if (!*arr) {
		*arr = calloc(VG_IOC_KEEP_MAX, sizeof(**arr));
		if (!*arr)
			return;
	}
	struct vg_error *e = &(*arr)[(*n)++];
	/* msgid is one of our N_() strings, with only %s placeholders. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vg_error_set(e, -EINVAL, msgid, a1 ? a1 : "", a2 ? a2 : "");
#pragma GCC diagnostic pop
	if (where)
		vg_error_prefix(e, where);
}

void ioc_add_defect(struct vg_ioc *ioc, const char *where, const char *msgid, const char *a1, const char *a2)
{
	ioc->defects_total++;
	add_note(&ioc->defects, &ioc->ndefects, where, msgid, a1, a2);
}

void ioc_add_warning(struct vg_ioc *ioc, const char *where, const char *msgid, const char *a1, const char *a2)
{
	add_note(&ioc->warnings, &ioc->nwarnings, where, msgid, a1, a2);
}

static bool is_el(const struct loader *ld, const xmlNode *n, const char *name)
{
	if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
		return false;
	/* Lenient: the right local name without a namespace is accepted (ioc_writer strips them). */
	return !n->ns || !n->ns->href || strcmp((const char *)n->ns->href, ld->ns) == 0;
}

static char *attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

/* The text of an element: its text and CDATA children, verbatim, at most max bytes.
 * Returns -E2BIG over the limit and -EINVAL on an entity reference. */
static int text_of(const xmlNode *n, size_t max, char **out, size_t *outlen)
{
	size_t len = 0;
	char *buf = NULL;

	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_ENTITY_REF_NODE || c->type == XML_ENTITY_NODE) {
			free(buf);
			return -EINVAL;
		}
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
			continue;
		size_t l = c->content ? strlen((const char *)c->content) : 0;
		if (len + l > max) {
			free(buf);
			return -E2BIG;
		}
		char *nb = realloc(buf, len + l + 1);
		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		memcpy(buf + len, c->content, l);
		len += l;
		buf[len] = '\0';
	}
	if (!buf && !(buf = strdup("")))
		return -ENOMEM;
	*out = buf;
	*outlen = len;
	return 0;
}

static const xmlNode *child(const struct loader *ld, const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is_el(ld, c, name))
			return c;
	return NULL;
}

int ioc_new_node(struct vg_ioc *ioc, enum ioc_kind kind, int parent)
{
	if (ioc->nnodes == ioc->cap) {
		size_t cap = ioc->cap ? ioc->cap * 2 : 64;
		struct ioc_node *nn = realloc(ioc->nodes, cap * sizeof(*nn));
		if (!nn)
			return -ENOMEM;
		ioc->nodes = nn;
		ioc->cap = cap;
	}
	int i = (int)ioc->nnodes++;
	memset(&ioc->nodes[i], 0, sizeof(ioc->nodes[i]));
	ioc->nodes[i].kind = kind;
	ioc->nodes[i].parent = parent;
	ioc->nodes[i].doc = IOC_DOC_NONE;
	ioc->nodes[i].unit = -1;
	ioc->nodes[i].item.valid = true;
	if (parent >= 0) {
		struct ioc_node *p = &ioc->nodes[parent];
		int *nc = realloc(p->children, (p->nchildren + 1) * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		p->children = nc;
		p->children[p->nchildren++] = i;
	}
	return i;
}

static bool parse_boolattr(const char *v, bool *out)
{
	if (!v)
		return false;
	if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		return false;
	return true;
}

int ioc_other_doc(struct vg_ioc *ioc, const char *name, size_t len)
{
	for (size_t i = 0; i < ioc->nother; i++)
		if (strlen(ioc->other_docs[i]) == len && strncasecmp(ioc->other_docs[i], name, len) == 0)
			return IOC_DOC_OTHER_BASE + (int)i;
	char **no = realloc(ioc->other_docs, (ioc->nother + 1) * sizeof(*no));
	if (!no)
		return -ENOMEM;
	ioc->other_docs = no;
	if (!(no[ioc->nother] = strndup(name, len)))
		return -ENOMEM;
	return IOC_DOC_OTHER_BASE + (int)ioc->nother++;
}

static void warn_unsupported(struct loader *ld, const char *search)
{
	for (size_t i = 0; i < ld->nseen; i++)
		if (strcasecmp(ld->seen_terms[i], search) == 0)
			return;
	char **ns = realloc(ld->seen_terms, (ld->nseen + 1) * sizeof(*ns));
	if (!ns)
		return;
	ld->seen_terms = ns;
	if (!(ns[ld->nseen] = strdup(search)))
		return;
	ld->nseen++;
	ioc_add_warning(ld->ioc, NULL, N_("the term %s is not supported on this host: its items are unknown"),
			   search, NULL);
}

int ioc_item_compile(struct ioc_item *it, char *msg, size_t size)
{
	int ecode;
	PCRE2_SIZE eoff;
	/* Perl syntax as in real files, bytes (no UTF), unanchored like fn:matches;
	 * DOTALL as openioc_scan does. */
	uint32_t opts = PCRE2_DOTALL | (it->preserve_case ? 0 : PCRE2_CASELESS);

	it->re = pcre2_compile((PCRE2_SPTR)it->content, it->content_len, opts, &ecode, &eoff, NULL);
	if (it->re)
		return 0;
	pcre2_get_error_message(ecode, (PCRE2_UCHAR *)msg, size);
	return -EINVAL;
}

static const struct {
	const char *name;
	enum ioc_cond cond;
	bool negate;
} conditions[] = {
	{ "is", IOC_IS, false }, { "isnot", IOC_IS, true }, { "contains", IOC_CONTAINS, false },
	{ "containsnot", IOC_CONTAINS, true }, { "matches", IOC_MATCHES, false },
	{ "starts-with", IOC_STARTS, false }, { "begins-with", IOC_STARTS, false },
	{ "ends-with", IOC_ENDS, false }, { "greater-than", IOC_GREATER, false },
	{ "less-than", IOC_LESS, false },
};

static int load_item(struct loader *ld, const xmlNode *x, int parent)
{
	struct vg_ioc *ioc = ld->ioc;
	char where[VG_ERROR_ARG_SIZE];
	char *cond = NULL, *neg = NULL, *pc = NULL, *search = NULL, *ctype = NULL, *docattr = NULL;
	int r = 0;

	if (++ioc->items > ld->lim->max_items) {
		char n[32];
		snprintf(n, sizeof(n), "%u", ld->lim->max_items);
		return vg_error_set(ld->err, -EINVAL, N_("%s has more than %s indicator items"), ioc->name, n);
	}
	int i = ioc_new_node(ioc, IOC_ITEM, parent);
	if (i < 0)
		return vg_error_set(ld->err, -ENOMEM, N_("out of memory"));
	struct ioc_node *node = &ioc->nodes[i];
	struct ioc_item *it = &node->item;
	node->id = attr(x, "id");
	snprintf(where, sizeof(where), "%s: item %s (line %ld): ", ioc->name, node->id ? node->id : "?",
		 (long)xmlGetLineNo(x));

	cond = attr(x, "condition");
	size_t k;
	for (k = 0; cond && k < sizeof(conditions) / sizeof(conditions[0]); k++)
		if (strcasecmp(cond, conditions[k].name) == 0)
			break;
	if (!cond || k == sizeof(conditions) / sizeof(conditions[0])) {
		r = vg_error_set(ld->err, -EINVAL, N_("%sunknown condition '%s'"), where, cond ? cond : "");
		goto out;
	}
	it->cond = conditions[k].cond;
	it->negate = conditions[k].negate;
	if (it->negate && ioc->version == 11)
		ioc_add_defect(ioc, where, N_("the condition '%s' belongs to OpenIOC 1.0"), cond, NULL);
	neg = attr(x, "negate");
	pc = attr(x, "preserve-case");
	bool b;
	if (neg) {
		if (!parse_boolattr(neg, &b))
			ioc_add_defect(ioc, where, N_("the attribute %s has the value '%s', not a boolean"),
					  "negate", neg);
		else if (b)
			it->negate = !it->negate;
	}
	if (pc) {
		if (!parse_boolattr(pc, &b))
			ioc_add_defect(ioc, where, N_("the attribute %s has the value '%s', not a boolean"),
					  "preserve-case", pc);
		else
			it->preserve_case = b;
	}

	const xmlNode *ctx = child(ld, x, "Context");
	const xmlNode *content = child(ld, x, "Content");
	if (ctx) {
		search = attr(ctx, "search");
		docattr = attr(ctx, "document");
	}
	if (!search || !*search) {
		ioc_add_defect(ioc, where, N_("the item has no Context search term"), NULL, NULL);
		it->valid = false;
		node->doc = IOC_DOC_MIXED;     /* belongs to no object: unknown on its own */
	} else {
		it->term = vg_ioc_term_find(search);
		if (it->term) {
			node->doc = it->term->doc;
			ioc->fields[it->term->field / 64] |= 1ull << (it->term->field % 64);
			ioc->docs |= 1u << it->term->doc;
		} else {
			/* The document is the first segment of the term; @document may disagree and
			 * the term is what the tools use. */
			const char *s = search;
			if (strncasecmp(s, "eventItem/", 10) == 0 && s[10])
				s += 10;
			const char *slash = strchr(s, '/');
			int d = ioc_other_doc(ioc, s, slash ? (size_t)(slash - s) : strlen(s));
			if (d < 0) {
				r = vg_error_set(ld->err, -ENOMEM, N_("out of memory"));
				goto out;
			}
			node->doc = d;
			ioc->unsupported++;
			warn_unsupported(ld, search);
		}
		if (docattr && *docattr && strncasecmp(docattr, search, strlen(docattr)) != 0 &&
		    strcasecmp(docattr, "eventItem") != 0)
			ioc_add_defect(ioc, where, N_("the document %s does not match the term %s"), docattr, search);
	}
	if (!content) {
		ioc_add_defect(ioc, where, N_("the item has no Content"), NULL, NULL);
		it->valid = false;
		goto out;
	}
	ctype = attr(content, "type");
	bool known;
	it->type = ioc_type_from_name(ctype, &known);
	if (!known)
		ioc_add_defect(ioc, where, N_("unknown Content type '%s', compared as a string"), ctype, NULL);
	int t = text_of(content, ld->lim->max_content, &it->content, &it->content_len);
	if (t == -EINVAL) {
		r = vg_error_set(ld->err, -EINVAL, N_("%san entity reference is not allowed"), where);
		goto out;
	} else if (t == -E2BIG) {
		char n[32];
		snprintf(n, sizeof(n), "%zu", ld->lim->max_content);
		ioc_add_defect(ioc, where, N_("the Content is longer than %s bytes"), n, NULL);
		it->valid = false;
		goto out;
	} else if (t < 0) {
		r = vg_error_set(ld->err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	if (it->content_len == 0 || strspn(it->content, " \t\r\n") == it->content_len) {
		/* "contains ''" would match everything: an empty value is a defect, never a match. */
		ioc->empty_content++;
		ioc_add_defect(ioc, where, N_("the Content is empty: the item is unknown"), NULL, NULL);
		it->valid = false;
		goto out;
	}
	if (strlen(it->content) != it->content_len) {
		ioc_add_defect(ioc, where, N_("the Content holds a NUL character"), NULL, NULL);
		it->valid = false;
		goto out;
	}
	if (it->cond == IOC_MATCHES) {
		if (it->content_len > ld->lim->max_regex) {
			char n[32];
			snprintf(n, sizeof(n), "%zu", ld->lim->max_regex);
			ioc_add_defect(ioc, where, N_("the regular expression is longer than %s bytes"), n, NULL);
			it->valid = false;
			goto out;
		}
		char msg[256];
		if (ioc_item_compile(it, msg, sizeof(msg)) < 0) {
			ioc_add_defect(ioc, where, N_("invalid regular expression '%s': %s"), it->content, msg);
			it->valid = false;
			goto out;
		}
	}
	r = ioc_item_prepare(ioc, it, where);
out:
	free(cond);
	free(neg);
	free(pc);
	free(search);
	free(ctype);
	free(docattr);
	return r;
}

static int load_indicator(struct loader *ld, const xmlNode *x, int parent, unsigned depth)
{
	struct vg_ioc *ioc = ld->ioc;
	char where[VG_ERROR_ARG_SIZE];
	int r = 0;

	if (depth > ld->lim->max_depth) {
		char n[32];
		snprintf(n, sizeof(n), "%u", ld->lim->max_depth);
		return vg_error_set(ld->err, -EINVAL, N_("%s: Indicators are nested deeper than %s"), ioc->name, n);
	}
	char *op = attr(x, "operator");
	char *id = attr(x, "id");
	snprintf(where, sizeof(where), "%s: Indicator %s (line %ld): ", ioc->name, id ? id : "?",
		 (long)xmlGetLineNo(x));
	enum ioc_kind kind;
	if (op && strcasecmp(op, "AND") == 0) {
		kind = IOC_AND;
	} else if (op && strcasecmp(op, "OR") == 0) {
		kind = IOC_OR;
	} else {
		r = vg_error_set(ld->err, -EINVAL, N_("%sunknown operator '%s'"), where, op ? op : "");
		free(op);
		free(id);
		return r;
	}
	free(op);
	int i = ioc_new_node(ioc, kind, parent);
	if (i < 0) {
		free(id);
		return vg_error_set(ld->err, -ENOMEM, N_("out of memory"));
	}
	ioc->nodes[i].id = id;
	ioc->indicators++;
	bool seen_indicator = false, order_noted = false;
	for (const xmlNode *c = x->children; c && r == 0; c = c->next) {
		if (is_el(ld, c, "IndicatorItem")) {
			if (seen_indicator && !order_noted) {
				ioc_add_defect(ioc, where, N_("an IndicatorItem follows a child Indicator"), NULL, NULL);
				order_noted = true;
			}
			r = load_item(ld, c, i);
		} else if (is_el(ld, c, "Indicator")) {
			seen_indicator = true;
			r = load_indicator(ld, c, i, depth + 1);
		} else if (c->type == XML_ELEMENT_NODE) {
			ioc_add_defect(ioc, where, N_("unexpected element %s ignored"), (const char *)c->name, NULL);
		} else if (c->type == XML_ENTITY_REF_NODE) {
			r = vg_error_set(ld->err, -EINVAL, N_("%san entity reference is not allowed"), where);
		}
	}
	if (r == 0 && ioc->nodes[i].nchildren == 0)
		ioc_add_defect(ioc, where, N_("the Indicator is empty: it is unknown"), NULL, NULL);
	return r;
}

/* Counts elements (and refuses entity references) before anything is built. */
static int scan_tree(const xmlNode *n, unsigned *count, unsigned max)
{
	for (; n; n = n->next) {
		if (n->type == XML_ENTITY_REF_NODE || n->type == XML_ENTITY_DECL || n->type == XML_DTD_NODE)
			return -EINVAL;
		if (n->type == XML_ELEMENT_NODE && ++*count > max)
			return -E2BIG;
		int r = scan_tree(n->children, count, max);
		if (r < 0)
			return r;
	}
	return 0;
}

static char *meta_text(struct loader *ld, const xmlNode *parent, const char *name)
{
	const xmlNode *n = child(ld, parent, name);
	char *s = NULL;
	size_t len;
	if (n && text_of(n, 4096, &s, &len) == 0)
		return s;
	return strdup("");
}

static int build(struct loader *ld, xmlDocPtr doc)
{
	struct vg_ioc *ioc = ld->ioc;
	const xmlNode *root = xmlDocGetRootElement(doc);
	unsigned count = 0;
	int r;

	r = scan_tree(root, &count, ld->lim->max_elements);
	if (r == -E2BIG) {
		char n[32];
		snprintf(n, sizeof(n), "%u", ld->lim->max_elements);
		return vg_error_set(ld->err, -EINVAL, N_("%s has more than %s elements"), ioc->name, n);
	} else if (r < 0) {
		return vg_error_set(ld->err, -EINVAL, N_("%s: entities and DTDs are not allowed"), ioc->name);
	}
	const char *href = root->ns && root->ns->href ? (const char *)root->ns->href : "";
	const char *rname = (const char *)root->name;
	if (strcmp(rname, "ioc") == 0) {
		ioc->version = 10;
		ld->ns = NS_10;
	} else if (strcmp(rname, "OpenIOC") == 0) {
		ioc->version = 11;
		ld->ns = NS_11;
	} else {
		return vg_error_set(ld->err, -EINVAL, N_("%s is not an OpenIOC document (root element %s)"),
				    ioc->name, rname);
	}
	if (strcmp(href, ld->ns) != 0)
		ioc_add_defect(ioc, NULL, N_("%s: the root element is not in the OpenIOC namespace %s"),
				  ioc->name, ld->ns);
	ioc->id = attr(root, "id");
	if (!ioc->id && !(ioc->id = strdup("")))
		return vg_error_set(ld->err, -ENOMEM, N_("out of memory"));
	const xmlNode *meta = ioc->version == 11 ? child(ld, root, "metadata") : root;
	ioc->description = meta_text(ld, meta, "short_description");
	if (!ioc->description)
		return vg_error_set(ld->err, -ENOMEM, N_("out of memory"));

	const xmlNode *crit = child(ld, root, ioc->version == 11 ? "criteria" : "definition");
	/* The criteria hold one OR Indicator in valid files; several are joined by an OR. */
	ioc->root = ioc_new_node(ioc, IOC_OR, -1);
	if (ioc->root < 0)
		return vg_error_set(ld->err, -ENOMEM, N_("out of memory"));
	for (const xmlNode *c = crit ? crit->children : NULL; c; c = c->next) {
		if (is_el(ld, c, "Indicator")) {
			if ((r = load_indicator(ld, c, ioc->root, 1)) < 0)
				return r;
		} else if (c->type == XML_ELEMENT_NODE) {
			ioc_add_defect(ioc, NULL, N_("%s: unexpected element %s ignored"), ioc->name,
					  (const char *)c->name);
		}
	}
	if (ioc->nodes[ioc->root].nchildren == 0)
		ioc_add_defect(ioc, NULL, N_("%s has no Indicator: it is unknown"), ioc->name, NULL);
	return 0;
}

/* Works out each node's document and the correlation units (see struct ioc_unit). */
int ioc_plan(struct vg_ioc *ioc)
{
	/* Children come after their parent in the array: walking backwards sees children first. */
	for (size_t k = ioc->nnodes; k-- > 0;) {
		struct ioc_node *n = &ioc->nodes[k];
		if (n->kind == IOC_ITEM)
			continue;
		n->doc = IOC_DOC_NONE;
		for (size_t c = 0; c < n->nchildren; c++) {
			int cd = ioc->nodes[n->children[c]].doc;
			if (cd == IOC_DOC_NONE)
				continue;
			if (n->doc == IOC_DOC_NONE)
				n->doc = cd;
			else if (n->doc != cd)
				n->doc = IOC_DOC_MIXED;
		}
	}
	for (size_t k = 0; k < ioc->nnodes; k++) {
		struct ioc_node *n = &ioc->nodes[k];
		int pdoc = n->parent >= 0 ? ioc->nodes[n->parent].doc : IOC_DOC_MIXED;
		bool root_unit = n->kind != IOC_ITEM && n->doc >= 0 && pdoc == IOC_DOC_MIXED;
		if (n->kind != IOC_ITEM && n->doc == IOC_DOC_MIXED) {
			/* Items of one document directly under a mixed Indicator correlate too. */
			for (size_t c = 0; c < n->nchildren; c++) {
				struct ioc_node *ch = &ioc->nodes[n->children[c]];
				if (ch->kind != IOC_ITEM || ch->doc < 0 || ch->unit >= 0)
					continue;
				int u = (int)ioc->nunits;
				struct ioc_unit *nu = realloc(ioc->units, (ioc->nunits + 1) * sizeof(*nu));
				if (!nu)
					return -ENOMEM;
				ioc->units = nu;
				nu[u] = (struct ioc_unit){ .node = (int)k, .doc = ch->doc, .synthetic = true,
							   .collectable = ch->doc < VG_IOC_DOC_COUNT };
				ioc->nunits++;
				for (size_t d = c; d < n->nchildren; d++) {
					struct ioc_node *o = &ioc->nodes[n->children[d]];
					if (o->kind == IOC_ITEM && o->doc == ch->doc)
						o->unit = u;
				}
			}
		}
		if (root_unit) {
			struct ioc_unit *nu = realloc(ioc->units, (ioc->nunits + 1) * sizeof(*nu));
			if (!nu)
				return -ENOMEM;
			ioc->units = nu;
			n->unit = (int)ioc->nunits;
			nu[ioc->nunits++] = (struct ioc_unit){ .node = (int)k, .doc = n->doc,
								.collectable = n->doc < VG_IOC_DOC_COUNT };
		}
	}
	return 0;
}

/* Whether a unit has a positive, usable test; one whose only tests are negated would match
 * nearly every object (HX refuses such IOCs). */
static bool has_positive(const struct vg_ioc *ioc, int k)
{
	const struct ioc_node *n = &ioc->nodes[k];
	if (n->kind == IOC_ITEM)
		return !n->item.negate && n->item.valid && n->item.term;
	for (size_t c = 0; c < n->nchildren; c++)
		if (has_positive(ioc, n->children[c]))
			return true;
	return false;
}

static bool unit_has_positive(const struct vg_ioc *ioc, int u)
{
	const struct ioc_unit *unit = &ioc->units[u];
	const struct ioc_node *n = &ioc->nodes[unit->node];
	if (!unit->synthetic)
		return has_positive(ioc, unit->node);
	for (size_t c = 0; c < n->nchildren; c++)
		if (ioc->nodes[n->children[c]].unit == u && has_positive(ioc, n->children[c]))
			return true;
	return false;
}

static void check_units(struct vg_ioc *ioc)
{
	for (size_t u = 0; u < ioc->nunits; u++) {
		if (!ioc->units[u].collectable)
			continue;
		if (!unit_has_positive(ioc, (int)u)) {
			const char *id = ioc->nodes[ioc->units[u].node].id;
			ioc_add_warning(ioc, NULL,
					   N_("Indicator %s only has negated tests: it matches nearly every object"),
					   id ? id : "?", NULL);
		}
	}
}

int vg_ioc_load_memory(const char *data, size_t len, const char *name, const struct vg_ioc_limits *limits,
		       struct vg_ioc **out, struct vg_error *err)
{
	struct vg_ioc_limits deflim;
	struct loader ld = { .err = err };
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	bool dtd = false;
	int r;

	*out = NULL;
	if (!limits) {
		vg_ioc_limits_init(&deflim);
		limits = &deflim;
	}
	if (!name)
		name = "IOC";
	if (len > limits->max_file_size || len > INT32_MAX) {
		char n[32];
		snprintf(n, sizeof(n), "%zu", limits->max_file_size);
		return vg_error_set(err, -EFBIG, N_("%s is larger than the limit of %s bytes"), name, n);
	}
	pthread_once(&parser_once, parser_init);

	struct vg_ioc *ioc = calloc(1, sizeof(*ioc));
	if (!ioc || !(ioc->name = strdup(name))) {
		free(ioc);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	ioc->root = -1;
	ioc->regex_match_limit = limits->regex_match_limit;
	ioc->regex_depth_limit = limits->regex_depth_limit;
	ld.ioc = ioc;
	ld.lim = limits;

	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	ctxt->sax->internalSubset = reject_subset;
	ctxt->sax->externalSubset = reject_subset;
	ctxt->_private = &dtd;
	/* No NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE, RECOVER or NOBLANKS: see
	 * openioc-notes §5.1.  Whitespace-only text is kept (Content " " is meaningful). */
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL,
			       XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (dtd || ctxt->errNo == XML_ERR_USER_STOP || (doc && (doc->intSubset || doc->extSubset))) {
		r = vg_error_set(err, -EINVAL, N_("%s has a DTD (DOCTYPE): refused, OpenIOC needs none"), name);
		goto out;
	}
	if (!doc || !xmlDocGetRootElement(doc) || !ctxt->wellFormed) {
		xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
		char line[32], msg[VG_ERROR_ARG_SIZE];
		snprintf(line, sizeof(line), "%d", e ? e->line : 0);
		snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message : "no root element");
		msg[strcspn(msg, "\n")] = '\0';
		if (strstr(msg, "Excessive depth")) {
			/* libxml2 suggests XML_PARSE_HUGE, which we never use: say what is wrong. */
			r = vg_error_set(err, -EINVAL, N_("%s: line %s: elements are nested deeper than %s levels"), name,
					 line, "256");
			goto out;
		}
		r = vg_error_set(err, -EINVAL, N_("%s: line %s: not well-formed XML: %s"), name, line, msg);
		goto out;
	}
	if ((r = build(&ld, doc)) < 0)
		goto out;
	if ((r = ioc_plan(ioc)) < 0) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	check_units(ioc);
	*out = ioc;
	ioc = NULL;
	r = 0;
out:
	for (size_t i = 0; i < ld.nseen; i++)
		free(ld.seen_terms[i]);
	free(ld.seen_terms);
	if (doc)
		xmlFreeDoc(doc);
	if (ctxt)
		xmlFreeParserCtxt(ctxt);
	vg_ioc_free(ioc);
	return r;
}

int vg_ioc_load_file(const char *path, const struct vg_ioc_limits *limits, struct vg_ioc **out,
		     struct vg_error *err)
{
	struct vg_ioc_limits deflim;
	char *data = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if (!limits) {
		vg_ioc_limits_init(&deflim);
		limits = &deflim;
	}
	if ((r = vg_file_read_all(path, limits->max_file_size, &data, &len, err)) < 0)
		return r;
	r = vg_ioc_load_memory(data, len, path, limits, out, err);
	free(data);
	return r;
}

void vg_ioc_free(struct vg_ioc *ioc)
{
	if (!ioc)
		return;
	for (size_t i = 0; i < ioc->nnodes; i++) {
		free(ioc->nodes[i].id);
		free(ioc->nodes[i].children);
		free(ioc->nodes[i].item.content);
		pcre2_code_free(ioc->nodes[i].item.re);
	}
	for (size_t i = 0; i < ioc->nother; i++)
		free(ioc->other_docs[i]);
	free(ioc->other_docs);
	free(ioc->nodes);
	free(ioc->units);
	free(ioc->defects);
	free(ioc->warnings);
	free(ioc->id);
	free(ioc->description);
	free(ioc->name);
	free(ioc);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Sigma strings: a rule's value read with its escapes (`\*`, `\?`, `\\`), its wildcards (`*`,
 * `?`) and, under expand, its placeholders (`%name%`, `\%` for a plain percent sign); and the
 * modifiers that rewrite values before they are compiled: contains, startswith, endswith
 * (wildcards around), utf16le/utf16be/utf16/wide, base64, base64offset, windash.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "nls.h"
#include "sigma/sigma-int.h"

void sg_str_free(struct sg_str *s)
{
	free(s->b);
	free(s->w);
	s->b = NULL;
	s->w = NULL;
	s->n = 0;
}

void sg_strv_free(struct sg_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		sg_str_free(&v->v[i]);
	free(v->v);
	*v = (struct sg_strv){ 0 };
}

/* Takes s (its buffers move into v).  Refuses to grow past the item's byte budget. */
int sg_strv_push(struct sg_strv *v, struct sg_str s)
{
	if (v->bytes + s.n > SG_MAX_ITEM_BYTES) {
		sg_str_free(&s);
		return -E2BIG;
	}
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		struct sg_str *nv = realloc(v->v, cap * sizeof(*nv));

		if (!nv) {
			sg_str_free(&s);
			return -ENOMEM;
		}
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = s;
	v->bytes += s.n;
	return 0;
}

static int str_alloc(struct sg_str *s, size_t n)
{
	s->b = malloc(n ? n : 1);
	s->w = calloc(n ? n : 1, 1);
	s->n = 0;
	if (!s->b || !s->w) {
		sg_str_free(s);
		return -ENOMEM;
	}
	return 0;
}

static int str_copy(struct sg_str *dst, const struct sg_str *src)
{
	if (str_alloc(dst, src->n) < 0)
		return -ENOMEM;
	memcpy(dst->b, src->b, src->n);
	memcpy(dst->w, src->w, src->n);
	dst->n = src->n;
	return 0;
}

/* Appends src to dst (dst grows). */
static int str_cat(struct sg_str *dst, const struct sg_str *src)
{
	char *b = realloc(dst->b, dst->n + src->n + 1);
	uint8_t *w;

	if (!b)
		return -ENOMEM;
	dst->b = b;
	w = realloc(dst->w, dst->n + src->n + 1);
	if (!w)
		return -ENOMEM;
	dst->w = w;
	memcpy(dst->b + dst->n, src->b, src->n);
	memcpy(dst->w + dst->n, src->w, src->n);
	dst->n += src->n;
	return 0;
}

bool sg_str_has_wild(const struct sg_str *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->w[i])
			return true;
	return false;
}

/* One piece of a value under expand: a run of text, or a placeholder. */
struct piece {
	struct sg_str s;
	const struct sg_placeholder *ph;
};

/* Reads text[0..len) as a Sigma string; with expand, placeholders end pieces. */
static int scan(const char *text, size_t len, bool expand, const struct sg_place_ctx *pc, struct piece **pieces,
		size_t *npieces, const char **why, char *arg)
{
	/* Text, then a placeholder and the text after it, for each placeholder. */
	struct piece *p = calloc(2 * SG_MAX_PLACEHOLDERS + 1, sizeof(*p));
	size_t np = 1;
	int r = 0;

	if (!p)
		return -ENOMEM;
	if (str_alloc(&p[0].s, len) < 0) {
		free(p);
		return -ENOMEM;
	}
	for (size_t i = 0; i < len; i++) {
		struct sg_str *cur = &p[np - 1].s;
		char c = text[i];

		if (c == '\\' && i + 1 < len &&
		    (text[i + 1] == '*' || text[i + 1] == '?' || text[i + 1] == '\\' || (expand && text[i + 1] == '%'))) {
			cur->b[cur->n] = text[i + 1];
			cur->w[cur->n++] = 0;
			i++;
		} else if (c == '*' || c == '?') {
			cur->b[cur->n] = c;
			cur->w[cur->n++] = c == '*' ? SG_W_STAR : SG_W_ONE;
		} else if (c == '%' && expand && memchr(text + i + 1, '%', len - i - 1)) {
			const char *end = memchr(text + i + 1, '%', len - i - 1);
			size_t nlen = (size_t)(end - text - i - 1);
			const struct sg_placeholder *ph = NULL;

			for (size_t k = 0; k < pc->nph && nlen; k++)
				if (strlen(pc->ph[k].name) == nlen && memcmp(pc->ph[k].name, text + i + 1, nlen) == 0)
					ph = &pc->ph[k];
			if (!ph) {
				size_t cut = nlen < VG_ERROR_ARG_SIZE - 1 ? nlen : VG_ERROR_ARG_SIZE - 1;

				memcpy(arg, text + i + 1, cut);
				arg[cut] = '\0';
				*why = N_("the placeholder %%%s%% has no values (expand)");
				r = -EINVAL;
				break;
			}
			if (np >= 2 * SG_MAX_PLACEHOLDERS + 1) {
				*why = N_("a value holds more than %s placeholders");
				snprintf(arg, VG_ERROR_ARG_SIZE, "%d", SG_MAX_PLACEHOLDERS);
				r = -EINVAL;
				break;
			}
			p[np].ph = ph;
			np++;
			if (str_alloc(&p[np].s, len - i) < 0) {
				r = -ENOMEM;
				break;
			}
			np++;
			i += nlen + 1;
		} else {
			cur->b[cur->n] = c;
			cur->w[cur->n++] = 0;
		}
	}
	*pieces = p;
	*npieces = np;
	return r;
}

static void free_pieces(struct piece *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sg_str_free(&p[i].s);
	free(p);
}

int sg_str_parse(const char *text, size_t len, bool expand, const struct sg_place_ctx *pc, struct sg_strv *out,
		 const char **why, char *arg)
{
	struct piece *p = NULL;
	size_t np = 0, total = 1;
	size_t *at;
	int r;

	r = scan(text, len, expand, pc, &p, &np, why, arg);
	if (r < 0)
		goto out_pieces;
	if (np == 1) {
		r = sg_strv_push(out, p[0].s);
		p[0].s = (struct sg_str){ 0 };
		goto out_pieces;
	}
	/* Every combination of the placeholders' values. */
	for (size_t i = 0; i < np; i++)
		if (p[i].ph) {
			if (p[i].ph->n == 0 || total > pc->max_values / p[i].ph->n) {
				*why = N_("the value expands into more than %s values");
				snprintf(arg, VG_ERROR_ARG_SIZE, "%u", pc->max_values);
				r = -E2BIG;
				goto out_pieces;
			}
			total *= p[i].ph->n;
		}
	at = calloc(np, sizeof(*at));
	if (!at) {
		r = -ENOMEM;
		goto out_pieces;
	}
	for (size_t k = 0; k < total && r == 0; k++) {
		struct sg_str s = { 0 };

		r = str_alloc(&s, 0);
		for (size_t i = 0; i < np && r == 0; i++) {
			if (!p[i].ph) {
				r = str_cat(&s, &p[i].s);
				continue;
			}
			const char *v = p[i].ph->values[at[i]];
			struct sg_strv one = { 0 };

			r = sg_str_parse(v, strlen(v), false, pc, &one, why, arg);
			if (r == 0)
				r = str_cat(&s, &one.v[0]);
			sg_strv_free(&one);
		}
		if (r == 0)
			r = sg_strv_push(out, s);
		else
			sg_str_free(&s);
		/* The next combination. */
		for (size_t i = np; i-- > 0;)
			if (p[i].ph) {
				if (++at[i] < p[i].ph->n)
					break;
				at[i] = 0;
			}
	}
	free(at);
out_pieces:
	free_pieces(p, np);
	if (r == -E2BIG && !*why) {
		*why = N_("the values of one field take more than %s bytes");
		snprintf(arg, VG_ERROR_ARG_SIZE, "%u", SG_MAX_ITEM_BYTES);
	}
	return r;
}

/* contains (head and tail), startswith (tail), endswith (head): a `*` where none is. */
void sg_str_wrap(struct sg_str *s, bool head, bool tail)
{
	bool add_head = head && !(s->n && s->w[0] == SG_W_STAR);
	bool add_tail = tail && !(s->n && s->w[s->n - 1] == SG_W_STAR);
	size_t n = s->n + add_head + add_tail;
	char *b = malloc(n + 1);
	uint8_t *w = calloc(n + 1, 1);

	if (!b || !w) {
		free(b);
		free(w);
		return;   /* left as it was: the caller checks the result's shape */
	}
	if (add_head) {
		b[0] = '*';
		w[0] = SG_W_STAR;
	}
	memcpy(b + add_head, s->b, s->n);
	memcpy(w + add_head, s->w, s->n);
	if (add_tail) {
		b[n - 1] = '*';
		w[n - 1] = SG_W_STAR;
	}
	free(s->b);
	free(s->w);
	s->b = b;
	s->w = w;
	s->n = n;
}

/* Decodes one UTF-8 character at s[*i]; -1 when the bytes are not UTF-8. */
static long utf8_next(const unsigned char *s, size_t n, size_t *i)
{
	unsigned char c = s[*i];
	long cp;
	size_t need;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if ((c & 0xe0) == 0xc0) {
		cp = c & 0x1f;
		need = 1;
	} else if ((c & 0xf0) == 0xe0) {
		cp = c & 0x0f;
		need = 2;
	} else if ((c & 0xf8) == 0xf0) {
		cp = c & 0x07;
		need = 3;
	} else {
		return -1;
	}
	for (size_t k = 1; k <= need; k++) {
		if (*i + k >= n || (s[*i + k] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[*i + k] & 0x3f);
	}
	*i += need + 1;
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return cp;
}

static void put16(struct sg_str *o, unsigned v, bool be)
{
	o->b[o->n] = (char)(be ? v >> 8 : v & 0xff);
	o->w[o->n++] = 0;
	o->b[o->n] = (char)(be ? v & 0xff : v >> 8);
	o->w[o->n++] = 0;
}

/* utf16le (wide), utf16be, utf16 (a byte order mark, then little-endian). */
int sg_str_utf16(struct sg_str *s, bool big_endian, bool bom)
{
	struct sg_str o;
	size_t i = 0;

	if (str_alloc(&o, 2 * s->n + 2) < 0)
		return -ENOMEM;
	if (bom)
		put16(&o, 0xfeff, big_endian);
	while (i < s->n) {
		if (s->w[i]) {
			o.b[o.n] = s->b[i];
			o.w[o.n++] = s->w[i++];
			continue;
		}
		/* A run of text: stop at the next wildcard. */
		size_t end = i;

		while (end < s->n && !s->w[end])
			end++;
		while (i < end) {
			long cp = utf8_next((const unsigned char *)s->b, end, &i);

			if (cp < 0) {
				sg_str_free(&o);
				return -EILSEQ;
			}
			if (cp >= 0x10000) {
				cp -= 0x10000;
				if (o.n + 4 > 2 * s->n + 2) {
					sg_str_free(&o);
					return -EILSEQ;
				}
				put16(&o, 0xd800 | (unsigned)(cp >> 10), big_endian);
				put16(&o, 0xdc00 | (unsigned)(cp & 0x3ff), big_endian);
			} else {
				put16(&o, (unsigned)cp, big_endian);
			}
		}
	}
	sg_str_free(s);
	*s = o;
	return 0;
}

static int literal_from(struct sg_str *s, const char *text, size_t n)
{
	if (str_alloc(s, n) < 0)
		return -ENOMEM;
	memcpy(s->b, text, n);
	s->n = n;
	return 0;
}

/* base64: the value's bytes encoded (a value with wildcards cannot be). */
int sg_str_base64(struct sg_str *s)
{
	char *enc;
	struct sg_str o;
	int r;

	if (sg_str_has_wild(s))
		return -EINVAL;
	enc = vg_base64_encode(s->b, s->n);
	if (!enc)
		return -ENOMEM;
	r = literal_from(&o, enc, strlen(enc));
	free(enc);
	if (r < 0)
		return r;
	sg_str_free(s);
	*s = o;
	return 0;
}

/*
 * base64offset: the value can sit at any offset of the encoded data, so its encoding takes
 * three shapes.  Encoding it after 0, 1 or 2 filler bytes, the first 0, 2 or 3 characters
 * depend on the filler and are dropped; at the end, the characters that depend on the padding
 * are dropped too (none when the length is a multiple of three, else 2 or 3).
 */
int sg_str_base64offset(const struct sg_str *s, struct sg_strv *out)
{
	static const size_t skip_head[3] = { 0, 2, 3 };
	static const size_t skip_tail[3] = { 0, 3, 2 };
	int r = 0;

	if (sg_str_has_wild(s))
		return -EINVAL;
	for (size_t off = 0; off < 3 && r == 0; off++) {
		char *buf = malloc(s->n + 3);
		char *enc;
		size_t elen, head, tail;
		struct sg_str o;

		if (!buf)
			return -ENOMEM;
		memset(buf, ' ', off);
		memcpy(buf + off, s->b, s->n);
		enc = vg_base64_encode(buf, s->n + off);
		free(buf);
		if (!enc)
			return -ENOMEM;
		elen = strlen(enc);
		head = skip_head[off];
		tail = skip_tail[(s->n + off) % 3];
		if (head + tail >= elen) {
			free(enc);
			continue;   /* too short to have a fixed part at this offset */
		}
		r = literal_from(&o, enc + head, elen - head - tail);
		free(enc);
		if (r == 0)
			r = sg_strv_push(out, o);
	}
	return r;
}

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * windash: a `-` or `/` that starts a word (after the start, a wildcard or a non-word
 * character, and before a word character) takes each of its five forms: - / and the en dash,
 * em dash and horizontal bar.  Every combination is a value.
 */
int sg_str_windash(const struct sg_str *s, struct sg_strv *out, unsigned max_values)
{
	static const char *const forms[5] = { "-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95" };
	size_t *pos = NULL, npos = 0, total = 1;
	unsigned *choice;
	int r = 0;

	pos = malloc((s->n + 1) * sizeof(*pos));
	if (!pos)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		if (s->w[i] || (s->b[i] != '-' && s->b[i] != '/'))
			continue;
		bool before_ok = i == 0 || s->w[i - 1] || !word_char(s->b[i - 1]);
		bool after_ok = i + 1 < s->n && !s->w[i + 1] && word_char(s->b[i + 1]);

		if (before_ok && after_ok) {
			if (total > max_values / 5) {
				free(pos);
				return -E2BIG;
			}
			total *= 5;
			pos[npos++] = i;
		}
	}
	choice = calloc(npos + 1, sizeof(*choice));
	if (!choice) {
		free(pos);
		return -ENOMEM;
	}
	for (size_t k = 0; k < total && r == 0; k++) {
		struct sg_str o;
		size_t p = 0;

		if (str_alloc(&o, s->n + 2 * npos) < 0) {
			r = -ENOMEM;
			break;
		}
		for (size_t i = 0; i < s->n; i++) {
			if (p < npos && pos[p] == i) {
				const char *f = forms[choice[p++]];

				for (; *f; f++) {
					o.b[o.n] = *f;
					o.w[o.n++] = 0;
				}
				continue;
			}
			o.b[o.n] = s->b[i];
			o.w[o.n++] = s->w[i];
		}
		r = sg_strv_push(out, o);
		for (size_t i = npos; i-- > 0;) {
			if (++choice[i] < 5)
				break;
			choice[i] = 0;
		}
	}
	free(choice);
	free(pos);
	return r;
}

int sg_str_dup_into(struct sg_strv *out, const struct sg_str *s)
{
	struct sg_str c;

	if (str_copy(&c, s) < 0)
		return -ENOMEM;
	return sg_strv_push(out, c);
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "output.h"

char *json_quote(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	if (size < 3) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		size_t n;

		switch (*p) {
		case '"': strcpy(esc, "\\\""); break;
		case '\\': strcpy(esc, "\\\\"); break;
		case '\n': strcpy(esc, "\\n"); break;
		case '\r': strcpy(esc, "\\r"); break;
		case '\t': strcpy(esc, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				snprintf(esc, sizeof(esc), "\\u%04x", *p);
			else {
				esc[0] = (char)*p;
				esc[1] = '\0';
			}
		}
		n = strlen(esc);
		if (o + n + 2 > size)
			break;
		memcpy(buf + o, esc, n);
		o += n;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

void out_init(struct out *o, enum out_format fmt, FILE *f,
	      const struct out_col *cols, size_t ncols, bool header)
{
	memset(o, 0, sizeof(*o));
	o->fmt = fmt;
	o->f = f;
	o->cols = cols;
	o->ncols = ncols;
	o->header = header;
}

void out_begin(struct out *o)
{
	o->nfields = 0;
}

static struct out_field *field(struct out *o, const char *key)
{
	struct out_field *fl;

	for (size_t i = 0; i < o->nfields; i++)
		if (!strcmp(o->fields[i].key, key))
			return &o->fields[i];
	if (o->nfields == OUT_MAX_FIELDS)
		return NULL;
	fl = &o->fields[o->nfields++];
	fl->key = key;
	return fl;
}

void out_str(struct out *o, const char *key, const char *val)
{
	struct out_field *f = field(o, key);

	if (!f)
		return;
	if (!val) {
		strcpy(f->text, "-");
		strcpy(f->json, "null");
		return;
	}
	snprintf(f->text, sizeof(f->text), "%s", val);
	json_quote(val, f->json, sizeof(f->json));
}

void out_int(struct out *o, const char *key, long long val)
{
	struct out_field *f = field(o, key);

	if (!f)
		return;
	snprintf(f->text, sizeof(f->text), "%lld", val);
	snprintf(f->json, sizeof(f->json), "%lld", val);
}

void out_bool(struct out *o, const char *key, bool val)
{
	struct out_field *f = field(o, key);

	if (!f)
		return;
	snprintf(f->text, sizeof(f->text), "%s", val ? "yes" : "no");
	snprintf(f->json, sizeof(f->json), "%s", val ? "true" : "false");
}

void out_double(struct out *o, const char *key, double val, int decimals)
{
	struct out_field *f = field(o, key);

	if (!f)
		return;
	snprintf(f->text, sizeof(f->text), "%.*f", decimals, val);
	snprintf(f->json, sizeof(f->json), "%.*f", decimals, val);
}

void out_strv(struct out *o, const char *key, const char *const *v, size_t n)
{
	struct out_field *f = field(o, key);
	size_t t = 0, j = 0;

	if (!f)
		return;
	f->text[0] = '\0';
	f->json[j++] = '[';
	for (size_t i = 0; i < n; i++) {
		char q[OUT_FIELD_MAX];
		size_t ql;

		t += (size_t)snprintf(f->text + t, t < sizeof(f->text) ? sizeof(f->text) - t : 0,
				      "%s%s", i ? ", " : "", v[i]);
		if (t >= sizeof(f->text))
			t = sizeof(f->text) - 1;
		json_quote(v[i], q, sizeof(q));
		ql = strlen(q);
		if (j + ql + 3 >= sizeof(f->json))
			break;
		if (i)
			f->json[j++] = ',';
		memcpy(f->json + j, q, ql);
		j += ql;
	}
	f->json[j++] = ']';
	f->json[j] = '\0';
	if (!n)
		strcpy(f->text, "-");
}

static const struct out_field *find(const struct out *o, const char *key)
{
	for (size_t i = 0; i < o->nfields; i++)
		if (!strcmp(o->fields[i].key, key))
			return &o->fields[i];
	return NULL;
}

static void csv_cell(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void print_header(struct out *o)
{
	o->header_done = true;
	if (!o->header || o->fmt == OUT_JSON)
		return;
	for (size_t i = 0; i < o->ncols; i++) {
		const struct out_col *c = &o->cols[i];

		if (o->fmt == OUT_CSV) {
			fputs(i ? "," : "", o->f);
			fputs(c->key, o->f);
		} else if (i + 1 < o->ncols && c->width) {
			fprintf(o->f, "%-*s ", c->width, c->title);
		} else {
			fputs(c->title, o->f);
		}
	}
	fputc('\n', o->f);
}

void out_end(struct out *o)
{
	if (!o->header_done)
		print_header(o);
	if (o->fmt == OUT_JSON) {
		fputc('{', o->f);
		for (size_t i = 0; i < o->nfields; i++) {
			char k[256];

			fprintf(o->f, "%s%s:%s", i ? "," : "",
				json_quote(o->fields[i].key, k, sizeof(k)),
				o->fields[i].json);
		}
		fputs("}\n", o->f);
	} else {
		for (size_t i = 0; i < o->ncols; i++) {
			const struct out_col *c = &o->cols[i];
			const struct out_field *fl = find(o, c->key);
			const char *v = fl ? fl->text : "-";

			if (o->fmt == OUT_CSV) {
				fputs(i ? "," : "", o->f);
				csv_cell(o->f, fl ? fl->text : "");
			} else if (i + 1 < o->ncols && c->width) {
				fprintf(o->f, "%-*s ", c->width, v);
			} else {
				fputs(v, o->f);
			}
		}
		fputc('\n', o->f);
	}
	fflush(o->f); /* results as they arrive, also into pipes */
	o->nfields = 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One output layer for records: the same calls print an aligned table for
 * people, one JSON object per line, or CSV, so machine formats never drift
 * from the table. Rows print as soon as they end (results as they arrive).
 *
 *   struct out o;
 *   out_init(&o, fmt, stdout, cols, n);
 *   out_begin(&o); out_str(&o, "address", a); out_int(&o, "rssi", -40);
 *   out_end(&o);
 *
 * Table and CSV show the declared columns (in order); JSON shows every
 * field set, in the order set.
 */
#ifndef BTSYNC_OUTPUT_H
#define BTSYNC_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum out_format { OUT_TEXT = 0, OUT_JSON, OUT_CSV };

struct out_col {
	const char *key;   /* field key (JSON key, CSV header) */
	const char *title; /* table heading */
	int width;         /* table column width; 0 = last, unpadded */
};

#define OUT_MAX_FIELDS 32
#define OUT_FIELD_MAX 1024

struct out_field {
	const char *key;
	char text[OUT_FIELD_MAX]; /* as shown in table/CSV */
	char json[OUT_FIELD_MAX * 2]; /* JSON value, already encoded */
};

struct out {
	enum out_format fmt;
	FILE *f;
	const struct out_col *cols;
	size_t ncols;
	bool header;      /* print the table/CSV header before the first row */
	bool header_done;
	size_t nfields;
	struct out_field fields[OUT_MAX_FIELDS];
};

void out_init(struct out *o, enum out_format fmt, FILE *f,
	      const struct out_col *cols, size_t ncols, bool header);
void out_begin(struct out *o);
void out_str(struct out *o, const char *key, const char *val); /* NULL: null/"-" */
void out_int(struct out *o, const char *key, long long val);
void out_bool(struct out *o, const char *key, bool val);
void out_double(struct out *o, const char *key, double val, int decimals);
/* A list of strings: JSON array, text joined with ", ". */
void out_strv(struct out *o, const char *key, const char *const *v, size_t n);
void out_end(struct out *o);

/* Write s as a JSON string literal (with quotes) into buf; truncates
 * safely. Returns buf. */
char *json_quote(const char *s, char *buf, size_t size);

#endif

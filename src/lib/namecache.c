// SPDX-License-Identifier: GPL-2.0-or-later
/* The recent-scan cache file (format in btsync/namecache.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/namecache.h"
#include "btsync/util.h"

#define CACHE_FILE "btsync/devices"

int bts_cache_default_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	/* XDG base directory spec: a relative XDG_CACHE_HOME is invalid */
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/" CACHE_FILE, xdg);
	else if (home && home[0] == '/')
		n = snprintf(buf, size, "%s/.cache/" CACHE_FILE, home);
	else
		return -ENOENT;
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* Split off the next tab-separated field; NULL when there is none. */
static char *next_field(char **p)
{
	char *s = *p, *t;

	if (!s)
		return NULL;
	t = strchr(s, '\t');
	if (t) {
		*t = '\0';
		*p = t + 1;
	} else {
		*p = NULL;
	}
	return s;
}

int bts_cache_parse_line(const char *line, struct bts_device *out)
{
	char buf[512], *p = buf, *f[6];
	unsigned long v;
	size_t len = strlen(line);

	memset(out, 0, sizeof(*out));
	if (len >= sizeof(buf))
		return -BTS_EPROTO;
	memcpy(buf, line, len + 1);
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	for (size_t i = 0; i < 6; i++) {
		f[i] = i < 5 ? next_field(&p) : p;
		if (!f[i])
			return -BTS_EPROTO;
	}
	if (bts_parse_uint(f[0], 0, INT64_MAX, &v) < 0)
		return -BTS_EPROTO;
	out->seen = (int64_t)v;
	if (bts_addr_parse(f[1], &out->addr) < 0)
		return -BTS_EPROTO;
	if (!strcmp(f[2], "bredr"))
		out->type = BTS_DEV_BREDR;
	else if (!strcmp(f[2], "le"))
		out->type = BTS_DEV_LE;
	else
		return -BTS_EPROTO;
	if (bts_parse_uint(f[3], 0, 1, &v) < 0)
		return -BTS_EPROTO;
	out->addr_type = (uint8_t)v;
	if (strcmp(f[4], "-")) {
		if (strncmp(f[4], "0x", 2) || bts_parse_uint(f[4], 0, 0xffffff, &v) < 0)
			return -BTS_EPROTO;
		out->has_class = true;
		out->cod = (uint32_t)v;
	}
	bts_name_sanitize((const uint8_t *)f[5], strlen(f[5]), out->name, sizeof(out->name));
	out->name_src = out->name[0] ? BTS_NAME_CACHE : BTS_NAME_NONE;
	return 0;
}

int bts_cache_read(const char *path, int64_t now, int64_t max_age,
		   struct bts_device *out, size_t max)
{
	char line[512];
	FILE *f;
	size_t n = 0;

	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : bts_neg_errno();
	while (n < max && fgets(line, sizeof(line), f)) {
		struct bts_device d;

		if (!strchr(line, '\n') && !feof(f)) {
			int c;

			/* an overlong line: skip the rest of it */
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		if (bts_cache_parse_line(line, &d) < 0)
			continue;
		if (max_age >= 0 && (d.seen > now || now - d.seen > max_age))
			continue;
		out[n++] = d;
	}
	fclose(f);
	return (int)n;
}

static int mkdir_parents(const char *path)
{
	char dir[4096];
	size_t len = strlen(path);

	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, len + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return bts_neg_errno();
		*p = '/';
	}
	return 0;
}

int bts_cache_write(const char *path, const struct bts_device *devs, size_t n,
		    int64_t now, bool replace)
{
	struct bts_device *all;
	char tmp[4200];
	size_t count = 0;
	FILE *f;
	int fd, err = 0;

	all = calloc(BTS_CACHE_MAX, sizeof(*all));
	if (!all)
		return -ENOMEM;
	if (!replace) {
		int r = bts_cache_read(path, now, -1, all, BTS_CACHE_MAX);

		count = r > 0 ? (size_t)r : 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct bts_device d = devs[i];
		bool is_new, gained;
		int idx;

		d.seen = now;
		if (d.name_src == BTS_NAME_FAILED)
			d.name_src = BTS_NAME_NONE;
		idx = bts_devlist_merge(all, &count, BTS_CACHE_MAX, &d, &is_new, &gained);
		if (idx < 0) {
			/* full: the oldest entry makes room */
			size_t old = 0;

			for (size_t k = 1; k < count; k++)
				if (all[k].seen < all[old].seen)
					old = k;
			all[old] = d;
		} else {
			all[idx].seen = now;
		}
	}
	err = mkdir_parents(path);
	if (err < 0)
		goto out;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		err = -ENAMETOOLONG;
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = bts_neg_errno();
		goto out;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = bts_neg_errno();
		close(fd);
		unlink(tmp);
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		char addr[18], cls[16];

		if (all[i].has_class)
			snprintf(cls, sizeof(cls), "0x%06" PRIx32, all[i].cod & 0xffffff);
		else
			strcpy(cls, "-");
		fprintf(f, "%" PRId64 "\t%s\t%s\t%u\t%s\t%s\n", all[i].seen,
			bts_addr_str(&all[i].addr, addr),
			all[i].type == BTS_DEV_LE ? "le" : "bredr", all[i].addr_type & 1u, cls,
			all[i].name_src >= BTS_NAME_SHORT && all[i].name_src <= BTS_NAME_CACHE
				? all[i].name : "");
	}
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0)
		err = bts_neg_errno();
	if (fclose(f) != 0 && !err)
		err = bts_neg_errno();
	if (!err && rename(tmp, path) < 0)
		err = bts_neg_errno();
	if (err)
		unlink(tmp);
out:
	free(all);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* Names that come from the network: what may be created under the output
 * directory. The receiver also opens every component with O_NOFOLLOW, so
 * these checks are the first of two fences, not the only one. */
#include <stdio.h>
#include <string.h>

#include "btsync/error.h"
#include "btsync/sha256.h"
#include "btsync/transfer.h"

#define NAME_MAX_BYTES 255
#define PART_PREFIX ".btsync-"
#define PART_SUFFIX ".part"

static int bad_byte(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '\\';
}

int bts_path_check(const char *p, size_t len)
{
	size_t start = 0;

	if (!p || len == 0 || len > BTS_WIRE_PATH_MAX || p[0] == '/')
		return -BTS_EUNSAFEPATH;
	for (size_t i = 0; i <= len; i++) {
		size_t clen;

		if (i < len && p[i] != '/') {
			if (bad_byte((unsigned char)p[i]))
				return -BTS_EUNSAFEPATH;
			continue;
		}
		clen = i - start;
		if (clen == 0 || clen > NAME_MAX_BYTES)
			return -BTS_EUNSAFEPATH;
		if ((clen == 1 && p[start] == '.') ||
		    (clen == 2 && p[start] == '.' && p[start + 1] == '.'))
			return -BTS_EUNSAFEPATH;
		if (clen >= strlen(PART_PREFIX) &&
		    !memcmp(p + start, PART_PREFIX, strlen(PART_PREFIX)))
			return -BTS_EUNSAFEPATH;
		start = i + 1;
	}
	return 0;
}

/* ".." is allowed only as leading components: after a real name the
 * kernel resolves ".." from wherever that name points (it may itself be a
 * symlink), so only a leading climb can be checked lexically. */
int bts_symlink_check(const char *linkpath, const char *target)
{
	long depth = 0;
	bool climbing = true;
	const char *c;
	size_t tlen;

	if (!linkpath || !target)
		return -BTS_EUNSAFEPATH;
	tlen = strlen(target);
	if (tlen == 0 || tlen > BTS_WIRE_PATH_MAX || target[0] == '/')
		return -BTS_EUNSAFEPATH;
	for (c = linkpath; *c; c++)
		if (*c == '/')
			depth++;
	c = target;
	while (*c) {
		const char *e = strchrnul(c, '/');
		size_t n = (size_t)(e - c);

		for (size_t i = 0; i < n; i++)
			if (bad_byte((unsigned char)c[i]))
				return -BTS_EUNSAFEPATH;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			if (!climbing || --depth < 0)
				return -BTS_EUNSAFEPATH;
		} else if (n > 0 && !(n == 1 && c[0] == '.')) {
			climbing = false;
		}
		c = *e ? e + 1 : e;
	}
	return 0;
}

int bts_part_name(const char *base, char *out, size_t size)
{
	size_t len = strlen(base);
	int n;

	if (strlen(PART_PREFIX) + len + strlen(PART_SUFFIX) <= NAME_MAX_BYTES) {
		n = snprintf(out, size, PART_PREFIX "%s" PART_SUFFIX, base);
	} else {
		uint8_t md[BTS_SHA256_LEN];
		char hex[65];

		/* Too long to decorate: keep a prefix and make it unique with
		 * a hash of the whole name. */
		bts_sha256(base, len, md);
		bts_sha256_hex(md, hex);
		hex[16] = '\0';
		n = snprintf(out, size, PART_PREFIX "%.180s-%s" PART_SUFFIX, base, hex);
	}
	if (n < 0 || (size_t)n >= size)
		return -BTS_ETOOBIG;
	return 0;
}

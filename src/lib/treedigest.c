// SPDX-License-Identifier: GPL-2.0-or-later
/* The digest of a directory tree, as both ends of a transfer compute it to
 * skip a whole unchanged tree with one frame each way (BTS_F_DIGEST; see
 * docs/protocol.md, "Unchanged trees").
 *
 * It covers exactly what the protocol carries: for each entry, in byte
 * order of the names, its kind, name and permission bits; for a file its
 * size, mtime and SHA-256; for a symlink its target; for a directory the
 * digest of its own contents. Receiver temporaries (".btsync-*") are left
 * out. Directory and symlink times are not covered: the receiver sets them
 * last (or not at all), and a difference there is not worth a resend.
 * Memory is one directory's names at a time per level. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/frame.h"
#include "btsync/sha256.h"
#include "btsync/util.h"
#include "transfer_int.h"

#define PART_PREFIX ".btsync-"

struct walk {
	uint8_t *buf;
	size_t cap;
	const volatile sig_atomic_t *stop;
	uint64_t deadline_ns; /* give up (1) past this; 0 = never */
	struct xtree_counts *n;
};

struct names {
	char **v;
	size_t n, cap;
};

static void names_free(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dfd (a descriptor of its own is used: dfd stays put). */
static int list_names(int dfd, struct names *l)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;
	int err = 0;

	memset(l, 0, sizeof(*l));
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		err = -errno;
		close(fd);
		return err;
	}
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strncmp(de->d_name, PART_PREFIX, strlen(PART_PREFIX)))
			continue;
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 32;
			char **v = realloc(l->v, cap * sizeof(*v));

			if (!v) {
				err = -ENOMEM;
				break;
			}
			l->v = v;
			l->cap = cap;
		}
		l->v[l->n] = strdup(de->d_name);
		if (!l->v[l->n]) {
			err = -ENOMEM;
			break;
		}
		l->n++;
	}
	if (!err && errno)
		err = -errno;
	closedir(d);
	if (err < 0) {
		names_free(l);
		return err;
	}
	if (l->n > 1) /* an empty directory has no array (qsort wants one) */
		qsort(l->v, l->n, sizeof(*l->v), cmp_names);
	return 0;
}

static void put_be(struct bts_sha256 *h, uint64_t v, unsigned bytes)
{
	uint8_t b[8];

	for (unsigned i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	bts_sha256_update(h, b, bytes);
}

static void put_head(struct bts_sha256 *h, uint8_t kind, const char *name, mode_t mode)
{
	size_t len = strlen(name);

	bts_sha256_update(h, &kind, 1);
	put_be(h, len, 2);
	bts_sha256_update(h, name, len);
	put_be(h, (uint64_t)(mode & 0777), 4);
}

static int over(const struct walk *w)
{
	if (w->stop && *w->stop)
		return -BTS_EINTERRUPTED;
	return w->deadline_ns && bts_now_ns() > w->deadline_ns;
}

static int hash_file(const struct walk *w, int dfd, const char *name, struct stat *st,
		     uint8_t md[BTS_SHA256_LEN])
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct bts_sha256 h;
	uint64_t left;
	int err = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return 1;
	}
	bts_sha256_init(&h);
	for (left = (uint64_t)st->st_size; left;) {
		ssize_t n = read(fd, w->buf, left < w->cap ? (size_t)left : w->cap);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* Shrunk while we read it: no digest, the entries
			 * go one by one and say what happened. */
			err = n < 0 ? -errno : 1;
			break;
		}
		bts_sha256_update(&h, w->buf, (size_t)n);
		left -= (uint64_t)n;
		if ((err = over(w)) != 0)
			break;
	}
	close(fd);
	if (err == 0)
		bts_sha256_final(&h, md);
	return err;
}

static int digest_dir(const struct walk *w, int dfd, int depth, uint8_t md[BTS_SHA256_LEN])
{
	struct xtree_counts *n = w->n;
	struct bts_sha256 h;
	struct names l;
	int err;

	if (depth > XTREE_MAX_DEPTH)
		return 1;
	err = list_names(dfd, &l);
	if (err < 0)
		return err;
	bts_sha256_init(&h);
	for (size_t i = 0; i < l.n && err == 0; i++) {
		const char *name = l.v[i];
		uint8_t sub[BTS_SHA256_LEN];
		char target[BTS_WIRE_PATH_MAX + 1];
		struct stat st;
		ssize_t tl;
		int fd;

		if ((err = over(w)) != 0)
			break;
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			err = -errno;
			break;
		}
		if (S_ISREG(st.st_mode)) {
			err = hash_file(w, dfd, name, &st, sub);
			if (err)
				break;
			put_head(&h, BTS_K_FILE, name, st.st_mode);
			put_be(&h, (uint64_t)st.st_size, 8);
			put_be(&h, (uint64_t)st.st_mtim.tv_sec, 8);
			put_be(&h, (uint64_t)st.st_mtim.tv_nsec, 4);
			bts_sha256_update(&h, sub, sizeof(sub));
			n->files++;
			n->bytes += (uint64_t)st.st_size;
		} else if (S_ISDIR(st.st_mode)) {
			fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				err = -errno;
				break;
			}
			err = digest_dir(w, fd, depth + 1, sub);
			close(fd);
			if (err)
				break;
			put_head(&h, BTS_K_DIR, name, st.st_mode);
			bts_sha256_update(&h, sub, sizeof(sub));
			n->dirs++;
		} else if (S_ISLNK(st.st_mode)) {
			tl = readlinkat(dfd, name, target, sizeof(target) - 1);
			if (tl < 0) {
				err = -errno;
				break;
			}
			put_head(&h, BTS_K_SYMLINK, name, 0);
			put_be(&h, (uint64_t)tl, 2);
			bts_sha256_update(&h, target, (size_t)tl);
			n->symlinks++;
		} else {
			err = 1; /* devices, FIFOs, sockets: not carried */
		}
	}
	names_free(&l);
	if (err == 0)
		bts_sha256_final(&h, md);
	return err;
}

/* buf is scratch space that read() fills through w.buf. */
int xtree_digest(int dfd, uint8_t *buf, size_t cap, const volatile sig_atomic_t *stop, // NOLINT(readability-non-const-parameter)
		 int budget_ms, uint8_t md[BTS_SHA256_LEN], struct xtree_counts *n)
{
	struct walk w = {
		.buf = buf, .cap = cap, .stop = stop, .n = n,
		.deadline_ns = budget_ms > 0 ? bts_now_ns() + (uint64_t)budget_ms * 1000000u : 0,
	};
	int err;

	memset(n, 0, sizeof(*n));
	err = digest_dir(&w, dfd, 0, md);
	/* Unreadable entries and the like are for the entry-by-entry
	 * transfer to report; only a stop or no memory end the session. */
	if (err < 0 && err != -BTS_EINTERRUPTED && err != -ENOMEM)
		err = 1;
	return err;
}

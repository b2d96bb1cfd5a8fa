// SPDX-License-Identifier: GPL-2.0-or-later
/* The receiving side. Every name from the peer is checked (pathsafe.c)
 * and then opened component by component with O_NOFOLLOW from the output
 * directory, so neither "../" nor a symlink planted earlier in the
 * session can lead outside it. Files are written to ".btsync-NAME.part"
 * next to their final name, verified, synced and only then renamed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/util.h"
#include "transfer_int.h"

/* File writes are gathered to this size: frames are 8 KiB or smaller. */
#define WBUF_SIZE (256 * 1024)
/* After our BYE, wait this long for the sender to hang up first, so the
 * BYE is not lost with a socket torn down under it. */
#define BYE_LINGER_MS 3000

struct dirmeta {
	char *path;
	uint32_t mode;
	struct timespec mtime;
};

struct rsess {
	struct xconn c;
	const struct bts_xfer_opts *o;
	struct bts_xfer_stats *st;
	struct bts_offer offer;
	uint8_t *wbuf;
	size_t wlen;
	int wfd;                 /* where wbuf drains */
	char *errpath;
	size_t errsize;
	int first_err;
	struct dirmeta *dirs;
	size_t ndirs, capdirs;
	bool told;               /* we sent an ERROR frame */
	bool peer_digest;        /* the sender announced BTS_CAP_DIGEST */
	char *digest_dir;        /* the existing directory a DIGEST may be for */
	int fatal_err;
	char first_path[PATH_MAX];
};

static void set_errpath(struct rsess *r)
{
	if (r->errpath && r->errsize)
		snprintf(r->errpath, r->errsize, "%s", r->offer.path);
}

static void note_err(struct rsess *r, int err)
{
	if (r->first_err)
		return;
	r->first_err = err;
	snprintf(r->first_path, sizeof(r->first_path), "%s", r->offer.path);
}

static int fatal(struct rsess *r, int err, bool tell)
{
	if (tell && !r->told) {
		xc_send_error(&r->c, err, NULL);
		r->told = true;
	}
	/* The error that ends the session is the one to report. */
	if (!r->fatal_err) {
		r->fatal_err = err;
		set_errpath(r);
	}
	return err;
}

static int reply(struct rsess *r, uint8_t action, uint8_t flags, int err, uint64_t offset,
		 const uint8_t *hash)
{
	struct bts_reply m = { .action = action, .flags = flags, .offset = offset };

	m.code = action == BTS_R_REFUSE ? bts_wire_from_err(err) : BTS_W_OK;
	if (action == BTS_R_REFUSE && m.code == BTS_W_OK)
		m.code = BTS_W_REFUSED;
	if (hash)
		memcpy(m.hash, hash, sizeof(m.hash));
	return xc_send_fbuf(&r->c, bts_enc_reply(r->c.fbuf, r->c.fcap, &m));
}

/* Refuse one entry and go on with the session. */
static int refuse(struct rsess *r, int err)
{
	r->st->refused++;
	note_err(r, err);
	xc_event(r->o, BTS_EV_FAILED, r->offer.path, 0, 0, 0, err, false);
	return reply(r, BTS_R_REFUSE, 0, err, 0, NULL);
}

static int result(struct rsess *r, int err, int how)
{
	struct bts_result m = { .code = bts_wire_from_err(err), .how = (uint8_t)how };

	if (err < 0) {
		r->st->refused++;
		note_err(r, err);
		xc_event(r->o, BTS_EV_FAILED, r->offer.path, 0, 0, 0, err, false);
	}
	return xc_send_fbuf(&r->c, bts_enc_result(r->c.fbuf, r->c.fcap, &m));
}

static int flush(struct rsess *r)
{
	ssize_t w;

	if (!r->wlen)
		return 0;
	w = bts_write_all(r->wfd, r->wbuf, r->wlen);
	if (w < 0)
		return (int)w;
	r->wlen = 0;
	return 0;
}

static int put(struct rsess *r, const uint8_t *p, size_t len)
{
	if (r->wlen + len > WBUF_SIZE) {
		int err = flush(r);

		if (err < 0)
			return err;
	}
	if (len >= WBUF_SIZE) {
		ssize_t w = bts_write_all(r->wfd, p, len);

		return w < 0 ? (int)w : 0;
	}
	memcpy(r->wbuf + r->wlen, p, len);
	r->wlen += len;
	return 0;
}

/* Open the directory that will hold path's last component, creating
 * missing directories (0700 until their own OFFER sets the mode) and
 * refusing to pass through anything that is not a real directory.
 * *base points into path. */
static int open_parent(struct rsess *r, const char *path, const char **base)
{
	char comp[NAME_MAX + 1];
	const char *c = path, *slash;
	int dfd = dup(r->o->outdir_fd);

	*base = path; /* defined even on failure */
	if (dfd < 0)
		return -errno;
	while ((slash = strchr(c, '/'))) {
		size_t n = (size_t)(slash - c);
		int next;

		if (n > NAME_MAX) {
			close(dfd);
			return -BTS_EUNSAFEPATH;
		}
		memcpy(comp, c, n);
		comp[n] = '\0';
		next = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT) {
			if (mkdirat(dfd, comp, 0700) < 0 && errno != EEXIST) {
				int e = -errno;

				close(dfd);
				return e;
			}
			next = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0) {
			int e = errno;

			close(dfd);
			/* A symlink or a file where a directory should be. */
			return (e == ELOOP || e == ENOTDIR) ? -BTS_EUNSAFEPATH : -e;
		}
		close(dfd);
		dfd = next;
		c = slash + 1;
	}
	*base = c;
	return dfd;
}

static int hash_fd(int fd, uint64_t n, uint8_t *buf, size_t cap, struct bts_sha256 *h)
{
	uint64_t off = 0;

	bts_sha256_init(h);
	while (off < n) {
		size_t want = n - off < cap ? (size_t)(n - off) : cap;
		ssize_t got = pread(fd, buf, want, (off_t)off);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (got == 0)
			return -EIO;
		bts_sha256_update(h, buf, (size_t)got);
		off += (uint64_t)got;
	}
	return 0;
}

static int add_dirmeta(struct rsess *r)
{
	struct dirmeta *d;

	if (r->ndirs == r->capdirs) {
		size_t cap = r->capdirs ? r->capdirs * 2 : 16;
		struct dirmeta *n = realloc(r->dirs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		r->dirs = n;
		r->capdirs = cap;
	}
	d = &r->dirs[r->ndirs];
	d->path = strdup(r->offer.path);
	if (!d->path)
		return -ENOMEM;
	d->mode = r->offer.mode & 0777;
	d->mtime.tv_sec = r->offer.mtime_sec;
	d->mtime.tv_nsec = r->offer.mtime_nsec;
	r->ndirs++;
	return 0;
}

static int recv_dir(struct rsess *r, int pfd, const char *base)
{
	struct stat st;
	bool existed = false;
	int err;

	if (mkdirat(pfd, base, 0700) < 0) {
		if (errno != EEXIST)
			return refuse(r, -errno);
		existed = true;
	}
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return refuse(r, -errno);
	if (!S_ISDIR(st.st_mode))
		return refuse(r, -BTS_EEXIST);
	err = add_dirmeta(r);
	if (err < 0)
		return fatal(r, err, true);
	r->st->dirs++;
	xc_event(r->o, BTS_EV_DONE, r->offer.path, 0, 0, BTS_HOW_NEW, 0, false);
	if (existed && r->peer_digest) {
		/* The sender may follow up with the digest of its tree. */
		free(r->digest_dir);
		r->digest_dir = strdup(r->offer.path);
		if (!r->digest_dir)
			return fatal(r, -ENOMEM, true);
		return reply(r, BTS_R_DONE, BTS_RF_EXISTED, 0, 0, NULL);
	}
	return reply(r, BTS_R_DONE, 0, 0, 0, NULL);
}

/* DIGEST for the directory just offered: compare with ours. Same: the
 * sender skips the whole tree (HAVE, final). Different, or we cannot tell
 * in time: NEED, and the entries come one by one. */
static int handle_digest(struct rsess *r, const uint8_t *p, size_t len)
{
	uint8_t theirs[BTS_SHA256_LEN], ours[BTS_SHA256_LEN];
	struct xtree_counts n;
	const char *base;
	int pfd, fd, err = 1;

	if (!r->digest_dir || bts_dec_digest(p, len, theirs) < 0)
		return fatal(r, -BTS_EPROTO, true);
	snprintf(r->offer.path, sizeof(r->offer.path), "%s", r->digest_dir);
	free(r->digest_dir);
	r->digest_dir = NULL;
	pfd = open_parent(r, r->offer.path, &base);
	if (pfd >= 0) {
		fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			err = xtree_digest(fd, r->wbuf, WBUF_SIZE, r->o->stop,
					   xtree_budget_ms(&r->c), ours, &n);
			close(fd);
		}
		close(pfd);
	}
	if (err < 0)
		return fatal(r, err, true);
	if (err > 0 || memcmp(ours, theirs, sizeof(ours)))
		return reply(r, BTS_R_NEED, 0, 0, 0, NULL);
	r->st->skipped += n.files;
	r->st->dirs += n.dirs;
	r->st->symlinks += n.symlinks;
	xc_event(r->o, BTS_EV_DONE, r->offer.path, n.bytes, n.bytes, BTS_HOW_IDENTICAL, 0, false);
	return reply(r, BTS_R_HAVE, BTS_RF_FINAL, 0, 0, NULL);
}

static bool may_replace(const struct rsess *r)
{
	return r->o->force || (r->offer.flags & BTS_OF_SYNC);
}

static int recv_symlink(struct rsess *r, int pfd, const char *base)
{
	char tmp[NAME_MAX + 64], cur[BTS_WIRE_PATH_MAX + 1];
	struct timespec ts[2];
	struct stat st;
	int err;

	if (bts_symlink_check(r->offer.path, r->offer.target) < 0)
		return refuse(r, -BTS_EUNSAFEPATH);
	ts[0].tv_sec = ts[1].tv_sec = r->offer.mtime_sec;
	ts[0].tv_nsec = ts[1].tv_nsec = r->offer.mtime_nsec;
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		ssize_t n = S_ISLNK(st.st_mode) ? readlinkat(pfd, base, cur, sizeof(cur) - 1) : -1;

		if (n >= 0) {
			cur[n] = '\0';
			if (!strcmp(cur, r->offer.target))
				goto done;
		}
		if (S_ISDIR(st.st_mode) || !may_replace(r))
			return refuse(r, -BTS_EEXIST);
	}
	err = bts_part_name(base, tmp, sizeof(tmp));
	if (err < 0)
		return refuse(r, err);
	unlinkat(pfd, tmp, 0);
	if (symlinkat(r->offer.target, pfd, tmp) < 0)
		return refuse(r, -errno);
	if (renameat(pfd, tmp, pfd, base) < 0) {
		err = -errno;
		unlinkat(pfd, tmp, 0);
		return refuse(r, err);
	}
done:
	utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
	r->st->symlinks++;
	xc_event(r->o, BTS_EV_DONE, r->offer.path, 0, 0, BTS_HOW_NEW, 0, false);
	return reply(r, BTS_R_DONE, 0, 0, 0, NULL);
}

/* The peer's ERROR frame as our error. */
static int peer_error(struct rsess *r, const uint8_t *p, size_t len)
{
	struct bts_error e;
	int err;

	if (bts_dec_error(p, len, &e) < 0)
		return fatal(r, -BTS_EPROTO, false);
	err = bts_wire_to_err(e.code);
	return fatal(r, err < 0 ? err : -BTS_EPROTO, false);
}

/* Wait for the next frame, which must be of type want. */
static int expect(struct rsess *r, uint8_t want, const uint8_t **p, size_t *len)
{
	uint8_t type;
	int err = xc_recv(&r->c, &type, p, len);

	if (err < 0)
		return fatal(r, err, err == -BTS_EPROTO || err == -BTS_ETOOBIG ||
				     err == -BTS_EINTERRUPTED);
	if (type == BTS_F_ERROR)
		return peer_error(r, *p, *len);
	if (type != want)
		return fatal(r, -BTS_EPROTO, true);
	return 0;
}

/* DATA frames until END, into r->wfd. Returns the END's verdict as
 * 0/-BTS_ECHECKSUM (session goes on) or a fatal error. */
static int recv_body(struct rsess *r, uint64_t done, struct bts_sha256 *h, bool stream)
{
	uint64_t size = r->offer.size, max = r->o->max_size;
	uint8_t md[BTS_SHA256_LEN];
	struct bts_end end;
	uint64_t next_event = done + WBUF_SIZE;
	int err;

	for (;;) {
		const uint8_t *p;
		size_t len;
		uint8_t type;

		err = xc_recv(&r->c, &type, &p, &len);
		if (err < 0) {
			flush(r); /* keep every byte we got for a resume */
			return fatal(r, err, err == -BTS_EPROTO || err == -BTS_ETOOBIG ||
					     err == -BTS_EINTERRUPTED);
		}
		if (type == BTS_F_END) {
			if (bts_dec_end(p, len, &end) < 0)
				return fatal(r, -BTS_EPROTO, true);
			break;
		}
		if (type == BTS_F_ERROR) {
			flush(r); /* the sender gave up: keep the prefix */
			return peer_error(r, p, len);
		}
		if (type != BTS_F_DATA)
			return fatal(r, -BTS_EPROTO, true);
		done += len;
		/* A peer that sends more than it announced is lying. */
		if (!stream && done > size)
			return fatal(r, -BTS_EPROTO, true);
		if (max && done > max)
			return fatal(r, -BTS_ETOOBIG, true);
		bts_sha256_update(h, p, len);
		err = put(r, p, len);
		if (err < 0)
			return fatal(r, err, true);
		r->st->data_bytes += len;
		if (done >= next_event) {
			xc_event(r->o, BTS_EV_PROGRESS, r->offer.path, done, size, 0, 0, false);
			next_event = done + WBUF_SIZE;
		}
	}
	err = flush(r);
	if (err < 0)
		return fatal(r, err, true);
	if (end.size != done || (!stream && done != size))
		return fatal(r, -BTS_EPROTO, true);
	bts_sha256_final(h, md);
	if (memcmp(md, end.hash, sizeof(md)))
		return -BTS_ECHECKSUM;
	return 0;
}

static int free_space_ok(int dfd, uint64_t need)
{
	struct statvfs sv;

	if (fstatvfs(dfd, &sv) < 0)
		return 1; /* cannot tell: let write() say */
	return (uint64_t)sv.f_bavail * sv.f_frsize >= need;
}

/* recv -o -: file data straight to out_fd, checked at the end. */
static int recv_to_fd(struct rsess *r)
{
	struct bts_start s;
	struct bts_sha256 h;
	const uint8_t *p;
	size_t len;
	int err;

	if (r->o->max_size && !(r->offer.flags & BTS_OF_STREAM) && r->offer.size > r->o->max_size)
		return refuse(r, -BTS_ETOOBIG);
	err = reply(r, BTS_R_NEED, 0, 0, 0, NULL);
	if (err < 0)
		return fatal(r, err, false);
	err = expect(r, BTS_F_START, &p, &len);
	if (err < 0)
		return err;
	if (bts_dec_start(p, len, &s) < 0 || s.offset != 0 || s.flags)
		return fatal(r, -BTS_EPROTO, true);
	xc_event(r->o, BTS_EV_BEGIN, r->offer.path, 0, r->offer.size, 0, 0, false);
	bts_sha256_init(&h);
	r->wfd = r->o->out_fd;
	err = recv_body(r, 0, &h, r->offer.flags & BTS_OF_STREAM);
	if (err == -BTS_ECHECKSUM)
		return result(r, err, 0);
	if (err < 0)
		return err;
	r->st->files++;
	xc_event(r->o, BTS_EV_DONE, r->offer.path, 0, 0, BTS_HOW_NEW, 0, false);
	return result(r, 0, BTS_HOW_NEW);
}

static int recv_file(struct rsess *r, int pfd, const char *base)
{
	bool stream = r->offer.flags & BTS_OF_STREAM, replace = may_replace(r);
	char part[NAME_MAX + 64];
	struct bts_have have = { 0 };
	struct bts_sha256 h;
	struct bts_start s;
	struct timespec ts[2];
	struct stat st;
	uint8_t md[BTS_SHA256_LEN];
	uint64_t have_off = 0, size = r->offer.size;
	uint8_t rflags = replace ? BTS_RF_REPLACE : 0;
	const uint8_t *p;
	size_t len;
	int fd = -1, err, how = BTS_HOW_NEW;
	enum bts_plan plan;

	if (!stream && r->o->max_size && size > r->o->max_size)
		return refuse(r, -BTS_ETOOBIG);
	if (bts_part_name(base, part, sizeof(part)) < 0)
		return refuse(r, -BTS_EUNSAFEPATH);
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		have.final_exists = true;
		have.final_regular = S_ISREG(st.st_mode);
		have.final_dir = S_ISDIR(st.st_mode);
		have.final_size = (uint64_t)st.st_size;
	}
	if (fstatat(pfd, part, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
		have.part_exists = true;
		have.part_size = (uint64_t)st.st_size;
	}
	plan = bts_manifest_plan(&have, size, stream, replace);
	bts_sha256_init(&h);
	switch (plan) {
	case BTS_PLAN_REFUSE_EXISTS:
		return refuse(r, -BTS_EEXIST);
	case BTS_PLAN_CHECK_FINAL:
	case BTS_PLAN_CHECK_PART:
		fd = openat(pfd, plan == BTS_PLAN_CHECK_FINAL ? base : part,
			    O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return refuse(r, -errno);
		have_off = plan == BTS_PLAN_CHECK_FINAL ? have.final_size : have.part_size;
		err = hash_fd(fd, have_off, r->wbuf, WBUF_SIZE, &h);
		close(fd);
		if (err < 0)
			return refuse(r, err);
		{
			struct bts_sha256 tmp = h;

			bts_sha256_final(&tmp, md);
		}
		if (plan == BTS_PLAN_CHECK_FINAL)
			rflags |= BTS_RF_FINAL;
		else if (!free_space_ok(pfd, size - have_off))
			return refuse(r, -ENOSPC);
		err = reply(r, BTS_R_HAVE, rflags, 0, have_off, md);
		break;
	default:
		if (!stream && !free_space_ok(pfd, size))
			return refuse(r, -ENOSPC);
		err = reply(r, BTS_R_NEED, rflags, 0, 0, NULL);
		break;
	}
	if (err < 0)
		return fatal(r, err, false);
	err = expect(r, BTS_F_START, &p, &len);
	if (err < 0)
		return err;
	if (bts_dec_start(p, len, &s) < 0)
		return fatal(r, -BTS_EPROTO, true);
	if (s.flags & BTS_SF_ABANDON)
		return result(r, -BTS_EEXIST, 0);
	if (s.offset != 0 && s.offset != have_off)
		return fatal(r, -BTS_EPROTO, true);
	xc_event(r->o, BTS_EV_BEGIN, r->offer.path, s.offset, size, 0, 0, false);
	ts[0].tv_sec = ts[1].tv_sec = r->offer.mtime_sec;
	ts[0].tv_nsec = ts[1].tv_nsec = r->offer.mtime_nsec;

	if (plan == BTS_PLAN_CHECK_FINAL && s.offset == size) {
		/* Identical already: only END follows. */
		const uint8_t *q;

		err = expect(r, BTS_F_END, &q, &len);
		if (err < 0)
			return err;
		{
			struct bts_end e;

			if (bts_dec_end(q, len, &e) < 0 || e.size != size)
				return fatal(r, -BTS_EPROTO, true);
			if (memcmp(e.hash, md, sizeof(md)))
				return result(r, -BTS_ECHECKSUM, 0);
		}
		fchmodat(pfd, base, r->offer.mode & 0777, 0);
		utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
		r->st->skipped++;
		xc_event(r->o, BTS_EV_DONE, r->offer.path, size, size, BTS_HOW_IDENTICAL, 0, false);
		return result(r, 0, BTS_HOW_IDENTICAL);
	}

	if (s.offset == 0) {
		bts_sha256_init(&h);
		fd = openat(pfd, part, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	} else {
		/* Resuming: h holds the verified prefix's state. */
		fd = openat(pfd, part, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		how = BTS_HOW_RESUMED;
		if (fd >= 0 && (ftruncate(fd, (off_t)s.offset) < 0 ||
				lseek(fd, (off_t)s.offset, SEEK_SET) < 0)) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0)
		return fatal(r, -errno, true);
	r->wfd = fd;
	r->wlen = 0;
	err = recv_body(r, s.offset, &h, stream);
	if (err < 0 && err != -BTS_ECHECKSUM) {
		/* Keep the prefix only when the link went away: it can be
		 * resumed. Anything else (a lie, a full disk) is garbage. */
		bool keep = err == -BTS_ELINKLOST || err == -ECONNRESET || err == -ETIMEDOUT ||
			    err == -BTS_EINTERRUPTED || err == -ECONNABORTED || err == -ENOTCONN;

		close(fd);
		if (!keep)
			unlinkat(pfd, part, 0);
		return err;
	}
	if (err == -BTS_ECHECKSUM) {
		close(fd);
		unlinkat(pfd, part, 0);
		return result(r, err, 0);
	}
	if (fchmod(fd, r->offer.mode & 0777) < 0 || futimens(fd, ts) < 0 || fsync(fd) < 0) {
		err = -errno;
		close(fd);
		unlinkat(pfd, part, 0);
		return fatal(r, err, true);
	}
	close(fd);
	if (have.final_exists && how == BTS_HOW_NEW)
		how = BTS_HOW_REPLACED;
	/* Never replace what appeared meanwhile unless allowed to. */
	err = renameat2(pfd, part, pfd, base, replace ? 0 : RENAME_NOREPLACE);
	if (err < 0 && errno == EINVAL && !replace) {
		/* Filesystem without RENAME_NOREPLACE: link+unlink is as safe. */
		err = linkat(pfd, part, pfd, base, 0);
		if (err == 0)
			unlinkat(pfd, part, 0);
	}
	if (err < 0) {
		err = errno == EEXIST ? -BTS_EEXIST : -errno;
		unlinkat(pfd, part, 0);
		return result(r, err, 0);
	}
	if (fsync(pfd) < 0)
		return fatal(r, -errno, true);
	r->st->files++;
	if (how == BTS_HOW_RESUMED)
		r->st->resumed++;
	xc_event(r->o, BTS_EV_DONE, r->offer.path, size, size, how, 0, false);
	return result(r, 0, how);
}

static int handle_offer(struct rsess *r, const uint8_t *p, size_t len)
{
	const char *base;
	int pfd, err;

	if (bts_dec_offer(p, len, &r->offer) < 0)
		return fatal(r, -BTS_EPROTO, true);
	if (bts_path_check(r->offer.path, r->offer.path_len) < 0)
		return refuse(r, -BTS_EUNSAFEPATH);
	if (r->o->out_fd >= 0) {
		if (r->offer.kind != BTS_K_FILE)
			return refuse(r, -BTS_EREFUSED);
		return recv_to_fd(r);
	}
	pfd = open_parent(r, r->offer.path, &base);
	if (pfd < 0)
		return refuse(r, pfd);
	switch (r->offer.kind) {
	case BTS_K_DIR:
		err = recv_dir(r, pfd, base);
		break;
	case BTS_K_SYMLINK:
		err = recv_symlink(r, pfd, base);
		break;
	default:
		err = recv_file(r, pfd, base);
		break;
	}
	close(pfd);
	return err;
}

/* Directory modes and times last, deepest first, so creating entries
 * does not undo them and a read-only directory can still be filled. */
static void apply_dirmeta(struct rsess *r)
{
	for (size_t i = r->ndirs; i-- > 0;) {
		struct dirmeta *d = &r->dirs[i];
		struct timespec ts[2] = { d->mtime, d->mtime };
		const char *base;
		int pfd;

		snprintf(r->offer.path, sizeof(r->offer.path), "%s", d->path);
		pfd = open_parent(r, d->path, &base);
		if (pfd < 0)
			continue;
		fchmodat(pfd, base, d->mode, 0);
		utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
		fsync(pfd);
		close(pfd);
	}
}

static void linger_for_close(struct rsess *r)
{
	struct pollfd pf = { .fd = r->c.fd, .events = POLLIN };
	uint64_t until = bts_now_ns() + (uint64_t)BYE_LINGER_MS * 1000000u;
	uint8_t junk[256];

	while (bts_now_ns() < until) {
		int left = (int)((until - bts_now_ns()) / 1000000u);

		if (poll(&pf, 1, left > 0 ? left : 1) <= 0)
			return;
		if (read(r->c.fd, junk, sizeof(junk)) <= 0)
			return;
	}
}

int bts_recv_session(const struct bts_link *link, const struct bts_xfer_opts *o,
		     struct bts_xfer_stats *st, char *errpath, size_t errpath_size)
{
	struct rsess *r = calloc(1, sizeof(*r));
	struct bts_hello h;
	uint64_t t0 = bts_now_ns();
	const uint8_t *p;
	size_t len;
	int err;

	if (!r)
		return -ENOMEM;
	if (errpath && errpath_size)
		errpath[0] = '\0';
	r->o = o;
	r->st = st;
	r->errpath = errpath;
	r->errsize = errpath_size;
	r->wbuf = malloc(WBUF_SIZE);
	err = r->wbuf ? xc_init(&r->c, link, o, st) : -ENOMEM;
	if (err < 0) {
		free(r->wbuf);
		free(r);
		return err;
	}
	err = expect(r, BTS_F_HELLO, &p, &len);
	if (err < 0)
		goto out;
	err = bts_dec_hello(p, len, &h);
	if (err < 0) {
		fatal(r, err, true);
		goto out;
	}
	/* The sender's frames must fit what it said it accepts too. */
	if (h.max_payload < r->c.max_out)
		r->c.max_out = h.max_payload;
	r->peer_digest = h.caps & BTS_CAP_DIGEST;
	h.version = BTS_PROTO_VERSION;
	h.caps = BTS_CAPS_ALL;
	h.max_payload = (uint32_t)r->c.max_in;
	err = xc_send_fbuf(&r->c, bts_enc_hello(r->c.fbuf, r->c.fcap, &h));
	if (err < 0)
		goto out;
	for (;;) {
		uint8_t type;

		err = xc_recv(&r->c, &type, &p, &len);
		if (err < 0) {
			fatal(r, err, err == -BTS_EPROTO || err == -BTS_ETOOBIG ||
				      err == -BTS_EINTERRUPTED);
			break;
		}
		if (type == BTS_F_DIGEST) {
			err = handle_digest(r, p, len);
			if (err < 0)
				break;
			continue;
		}
		/* A DIGEST may only follow the REPLY to its directory. */
		free(r->digest_dir);
		r->digest_dir = NULL;
		if (type == BTS_F_OFFER) {
			r->offer.path[0] = '\0';
			err = handle_offer(r, p, len);
			if (err < 0)
				break;
			continue;
		}
		if (type == BTS_F_BYE) {
			r->offer.path[0] = '\0';
			apply_dirmeta(r);
			err = xc_send_fbuf(&r->c, bts_enc_bye(r->c.fbuf, r->c.fcap));
			if (err == 0)
				linger_for_close(r);
			break;
		}
		if (type == BTS_F_ERROR) {
			err = peer_error(r, p, len);
			break;
		}
		fatal(r, -BTS_EPROTO, true);
		err = -BTS_EPROTO;
		break;
	}
out:
	/* Give our ERROR time to reach the sender before the socket goes. */
	if (r->told)
		linger_for_close(r);
	if (err >= 0) {
		err = r->first_err;
		if (err < 0 && errpath && errpath_size)
			snprintf(errpath, errpath_size, "%s", r->first_path);
	}
	st->ns = bts_now_ns() - t0;
	free(r->digest_dir);
	for (size_t i = 0; i < r->ndirs; i++)
		free(r->dirs[i].path);
	free(r->dirs);
	free(r->wbuf);
	xc_free(&r->c);
	free(r);
	return err;
}

void bts_recv_refuse(const struct bts_link *link, uint32_t code, const char *msg)
{
	struct bts_xfer_opts o = { .timeout_ms = 2000 };
	struct bts_xfer_stats st;
	struct xconn c;

	memset(&st, 0, sizeof(st));
	if (xc_init(&c, link, &o, &st) < 0)
		return;
	xc_send_error(&c, bts_wire_to_err(code), msg);
	xc_free(&c);
}

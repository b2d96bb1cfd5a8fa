// SPDX-License-Identifier: GPL-2.0-or-later
/* The sending side: handshake, then one OFFER per entry (files, directory
 * trees walked without following symlinks, streams), data in link-sized
 * frames read from large buffers, SHA-256 computed on the way. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/util.h"
#include "transfer_int.h"

/* Read this many frames' worth of file at a time: few large reads, and
 * the hash runs over big blocks. */
#define READ_FRAMES_TARGET (256 * 1024)
#define MAX_DEPTH 128

struct bts_sender {
	struct xconn c;
	struct bts_xfer_opts o;
	struct bts_xfer_stats st;
	uint64_t t0;
	bool alive;
	uint32_t peer_caps;
	size_t chunk;          /* DATA payload per frame */
	uint8_t *dbuf;         /* file read buffer, a multiple of chunk */
	size_t dcap;
	struct bts_offer offer;
	char rel[PATH_MAX];    /* path of the entry being sent, as on the wire */
	char errpath[PATH_MAX];
	char peer_msg[256];
	int first_err;
};

static int fail(struct bts_sender *s, int err)
{
	if (err < 0 && !s->errpath[0])
		snprintf(s->errpath, sizeof(s->errpath), "%s", s->rel);
	return err;
}

/* Fatal for the session: note it, tell the peer when it is our fault. */
static int fatal(struct bts_sender *s, int err, bool tell)
{
	if (tell && s->alive)
		xc_send_error(&s->c, err, NULL);
	s->alive = false;
	return fail(s, err);
}

/* Read the next control frame; ERROR frames become the peer's error. */
static int recv_ctl(struct bts_sender *s, uint8_t want, const uint8_t **p, size_t *len)
{
	uint8_t type;
	int err = xc_recv(&s->c, &type, p, len);

	if (err < 0)
		return fatal(s, err, err == -BTS_EPROTO || err == -BTS_ETOOBIG ||
				     err == -BTS_EINTERRUPTED);
	if (type == BTS_F_ERROR) {
		struct bts_error e;

		if (bts_dec_error(*p, *len, &e) < 0)
			return fatal(s, -BTS_EPROTO, false);
		snprintf(s->peer_msg, sizeof(s->peer_msg), "%s", e.msg);
		s->alive = false;
		err = bts_wire_to_err(e.code);
		return fail(s, err < 0 ? err : -BTS_EPROTO);
	}
	if (type != want)
		return fatal(s, -BTS_EPROTO, true);
	return 0;
}

int bts_send_open(const struct bts_link *link, const struct bts_xfer_opts *o,
		  struct bts_sender **out)
{
	struct bts_sender *s = calloc(1, sizeof(*s));
	struct bts_hello h = { .version = BTS_PROTO_VERSION, .caps = BTS_CAPS_ALL };
	const uint8_t *p;
	size_t len, frames;
	int err;

	if (!s)
		return -ENOMEM;
	s->o = *o;
	s->t0 = bts_now_ns();
	err = xc_init(&s->c, link, &s->o, &s->st);
	if (err < 0) {
		free(s);
		return err;
	}
	s->alive = true;
	h.max_payload = (uint32_t)s->c.max_in;
	err = xc_send_fbuf(&s->c, bts_enc_hello(s->c.fbuf, s->c.fcap, &h));
	if (err < 0)
		goto fail;
	err = recv_ctl(s, BTS_F_HELLO, &p, &len);
	if (err < 0)
		goto fail;
	err = bts_dec_hello(p, len, &h);
	if (err < 0) {
		fatal(s, err, true);
		goto fail;
	}
	s->peer_caps = h.caps;
	s->chunk = s->c.max_out;
	if (s->chunk > h.max_payload)
		s->chunk = h.max_payload;
	frames = READ_FRAMES_TARGET / s->chunk;
	s->dcap = (frames ? frames : 1) * s->chunk;
	s->dbuf = malloc(s->dcap);
	if (!s->dbuf) {
		err = -ENOMEM;
		goto fail;
	}
	*out = s;
	return 0;
fail:
	bts_send_free(s);
	return err;
}

void bts_send_free(struct bts_sender *s)
{
	if (!s)
		return;
	xc_free(&s->c);
	free(s->dbuf);
	free(s);
}

bool bts_send_alive(const struct bts_sender *s) { return s->alive; }
const struct bts_xfer_stats *bts_send_stats(struct bts_sender *s)
{
	if (s->alive || !s->st.ns)
		s->st.ns = bts_now_ns() - s->t0;
	return &s->st;
}
const char *bts_send_errpath(const struct bts_sender *s) { return s->errpath; }
const char *bts_send_peer_msg(const struct bts_sender *s) { return s->peer_msg; }

static int send_offer(struct bts_sender *s, struct bts_reply *r)
{
	const uint8_t *p;
	size_t len;
	int err;

	memset(r, 0, sizeof(*r)); /* defined on every error return */
	snprintf(s->offer.path, sizeof(s->offer.path), "%s", s->rel);
	err = xc_send_fbuf(&s->c, bts_enc_offer(s->c.fbuf, s->c.fcap, &s->offer));
	if (err < 0)
		return err == -BTS_ETOOBIG ? fail(s, err) : fatal(s, err, false);
	err = recv_ctl(s, BTS_F_REPLY, &p, &len);
	if (err < 0)
		return err;
	if (bts_dec_reply(p, len, r) < 0)
		return fatal(s, -BTS_EPROTO, true);
	if (r->action == BTS_R_REFUSE) {
		s->st.refused++;
		xc_event(&s->o, BTS_EV_FAILED, s->rel, 0, 0, 0, bts_wire_to_err(r->code), true);
		return fail(s, bts_wire_to_err(r->code));
	}
	return 0;
}

static void fill_meta(struct bts_offer *of, uint8_t kind, const struct stat *st)
{
	memset(of, 0, offsetof(struct bts_offer, path));
	of->kind = kind;
	of->mode = st->st_mode & 07777;
	of->size = kind == BTS_K_FILE ? (uint64_t)st->st_size : 0;
	of->mtime_sec = st->st_mtim.tv_sec;
	of->mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
	of->target[0] = '\0';
}

/* Hash the first n bytes of fd into h (pread: the offset is untouched). */
static int hash_prefix(struct bts_sender *s, int fd, uint64_t n, struct bts_sha256 *h)
{
	uint64_t off = 0;

	bts_sha256_init(h);
	while (off < n) {
		size_t want = n - off < s->dcap ? (size_t)(n - off) : s->dcap;
		ssize_t r = pread(fd, s->dbuf, want, (off_t)off);

		if (r < 0) {
			if (errno == EINTR && !xc_stopped(&s->c))
				continue;
			return errno == EINTR ? -BTS_EINTERRUPTED : -errno;
		}
		if (r == 0)
			return 0; /* shorter than n: cannot match */
		bts_sha256_update(h, s->dbuf, (size_t)r);
		off += (uint64_t)r;
	}
	return 1;
}

/* The receiver's verdict on the entry: stored (how), or refused. */
static int await_result(struct bts_sender *s, uint64_t done, int *how)
{
	struct bts_result res;
	const uint8_t *p;
	size_t len;
	int err = recv_ctl(s, BTS_F_RESULT, &p, &len);

	if (err < 0)
		return err;
	if (bts_dec_result(p, len, &res) < 0)
		return fatal(s, -BTS_EPROTO, true);
	if (res.code != BTS_W_OK) {
		err = bts_wire_to_err(res.code);
		s->st.refused++;
		xc_event(&s->o, BTS_EV_FAILED, s->rel, done, s->offer.size, 0, err, true);
		return fail(s, err < 0 ? err : -BTS_EPROTO);
	}
	*how = res.how;
	return 0;
}

/* Move the data from offset to the end (or to EOF for a stream), then END
 * and the receiver's RESULT. h already covers the first offset bytes. */
static int send_data(struct bts_sender *s, int fd, uint64_t offset, bool stream,
		     struct bts_sha256 *h, int *how)
{
	uint64_t size = s->offer.size, done = offset;
	struct bts_end end;
	const uint8_t *p;
	size_t len;
	int err;

	if (!stream && lseek(fd, (off_t)offset, SEEK_SET) < 0)
		return fatal(s, -errno, true);
	for (;;) {
		size_t want = s->dcap;
		ssize_t n;

		if (!stream) {
			if (done >= size)
				break;
			if (size - done < want)
				want = (size_t)(size - done);
			do
				n = read(fd, s->dbuf, want);
			while (n < 0 && errno == EINTR && !xc_stopped(&s->c));
		} else {
			/* A pipe yields small pieces: gather whole buffers so
			 * frames stay full-sized. */
			n = bts_read_full(fd, s->dbuf, want);
		}
		if (n < 0)
			return fatal(s, errno == EINTR ? -BTS_EINTERRUPTED : (int)(stream ? n : -errno), true);
		if (n == 0) {
			if (stream)
				break;
			/* The file shrank while we sent it. */
			return fatal(s, -EIO, true);
		}
		bts_sha256_update(h, s->dbuf, (size_t)n);
		for (size_t off = 0, i = 0; off < (size_t)n; off += s->chunk, i++) {
			size_t l = (size_t)n - off < s->chunk ? (size_t)n - off : s->chunk;

			/* Nothing is due from the receiver until END: anything
			 * that arrives now is an error report. Look every few
			 * frames (a poll() is cheap next to a frame's write). */
			if ((i & 7) == 7 && xc_pending(&s->c) > 0) {
				err = recv_ctl(s, BTS_F_RESULT, &p, &len);
				return err < 0 ? err : fatal(s, -BTS_EPROTO, true);
			}

			err = xc_send_frame(&s->c, BTS_F_DATA, s->dbuf + off, l);
			if (err < 0) {
				/* The receiver may have said why before closing. */
				if (xc_pending(&s->c) > 0) {
					int why = recv_ctl(s, BTS_F_RESULT, &p, &len);

					if (why < 0 && s->peer_msg[0])
						return why;
				}
				return fatal(s, err, false);
			}
		}
		done += (uint64_t)n;
		s->st.data_bytes += (uint64_t)n;
		xc_event(&s->o, BTS_EV_PROGRESS, s->rel, done, stream ? UINT64_MAX : size, 0, 0, false);
		if (xc_pending(&s->c) > 0) {
			err = recv_ctl(s, BTS_F_RESULT, &p, &len);
			return err < 0 ? err : fatal(s, -BTS_EPROTO, true);
		}
		if ((err = xc_stopped(&s->c)) < 0)
			return fatal(s, err, true);
	}
	end.size = done;
	bts_sha256_final(h, end.hash);
	err = xc_send_fbuf(&s->c, bts_enc_end(s->c.fbuf, s->c.fcap, &end));
	if (err < 0)
		return fatal(s, err, false);
	return await_result(s, done, how);
}

static int send_start(struct bts_sender *s, uint8_t flags, uint64_t offset)
{
	struct bts_start st = { .flags = flags, .offset = offset };
	int err = xc_send_fbuf(&s->c, bts_enc_start(s->c.fbuf, s->c.fcap, &st));

	return err < 0 ? fatal(s, err, false) : 0;
}

static int send_file_fd(struct bts_sender *s, int fd, const struct stat *st, bool stream)
{
	struct bts_reply r;
	struct bts_sha256 h;
	uint64_t offset = 0;
	int err, how = BTS_HOW_NEW;

	fill_meta(&s->offer, BTS_K_FILE, st);
	if (stream) {
		s->offer.flags |= BTS_OF_STREAM;
		s->offer.size = UINT64_MAX;
	}
	if (s->o.sync)
		s->offer.flags |= BTS_OF_SYNC;
	err = send_offer(s, &r);
	if (err < 0)
		return err;
	bts_sha256_init(&h);
	if (r.action == BTS_R_HAVE && !stream) {
		enum bts_verdict v;
		int ok = 0;

		if (r.offset <= s->offer.size) {
			ok = hash_prefix(s, fd, r.offset, &h);
			if (ok < 0)
				return fatal(s, ok, true);
			if (ok) {
				struct bts_sha256 tmp = h;
				uint8_t md[BTS_SHA256_LEN];

				bts_sha256_final(&tmp, md);
				ok = !memcmp(md, r.hash, sizeof(md));
			}
		}
		v = bts_manifest_verdict(&r, s->offer.size, ok);
		switch (v) {
		case BTS_V_ABANDON:
			err = send_start(s, BTS_SF_ABANDON, 0);
			if (err < 0)
				return err;
			/* RESULT carries the refusal. */
			return await_result(s, 0, &how);
		case BTS_V_SKIP:
		case BTS_V_RESUME:
			offset = r.offset;
			break;
		default:
			bts_sha256_init(&h);
			break;
		}
	} else if (r.action != BTS_R_NEED) {
		return fatal(s, -BTS_EPROTO, true);
	}
	err = send_start(s, 0, offset);
	if (err < 0)
		return err;
	xc_event(&s->o, BTS_EV_BEGIN, s->rel, offset, s->offer.size, 0, 0, false);
	err = send_data(s, fd, offset, stream, &h, &how);
	if (err < 0)
		return err;
	switch (how) {
	case BTS_HOW_IDENTICAL:
		s->st.skipped++;
		break;
	case BTS_HOW_RESUMED:
		s->st.resumed++;
		s->st.files++;
		break;
	default:
		s->st.files++;
		break;
	}
	xc_event(&s->o, BTS_EV_DONE, s->rel, s->offer.size, s->offer.size, how, 0, false);
	return 0;
}

static int send_symlink(struct bts_sender *s, int dfd, const char *name, const struct stat *st)
{
	struct bts_reply r;
	ssize_t n;
	int err;

	fill_meta(&s->offer, BTS_K_SYMLINK, st);
	n = readlinkat(dfd, name, s->offer.target, sizeof(s->offer.target) - 1);
	if (n < 0)
		return fail(s, -errno);
	s->offer.target[n] = '\0';
	if (n == 0)
		return fail(s, -BTS_EUNSAFEPATH);
	err = send_offer(s, &r);
	if (err < 0)
		return err;
	if (r.action != BTS_R_DONE)
		return fatal(s, -BTS_EPROTO, true);
	s->st.symlinks++;
	xc_event(&s->o, BTS_EV_DONE, s->rel, 0, 0, BTS_HOW_NEW, 0, false);
	return 0;
}

/* Note a failed entry inside a tree and decide whether to go on. */
static int entry_failed(struct bts_sender *s, int err, bool local)
{
	if (!s->first_err)
		s->first_err = err;
	if (local)
		xc_event(&s->o, BTS_EV_FAILED, s->rel, 0, 0, 0, err, false);
	return s->alive ? 0 : err;
}

/* The receiver already has this directory: offer the digest of our tree
 * under it. Returns 1 when the receiver's is the same (nothing more to
 * send), 0 to go on entry by entry, or a fatal error. */
static int same_tree(struct bts_sender *s, int dfd)
{
	uint8_t md[BTS_SHA256_LEN];
	struct xtree_counts n;
	struct bts_reply r;
	const uint8_t *p;
	size_t len;
	int err;

	err = xtree_digest(dfd, s->dbuf, s->dcap, s->o.stop, xtree_budget_ms(&s->c), md, &n);
	if (err < 0)
		return fatal(s, err, true);
	if (err > 0)
		return 0; /* cannot tell: one by one */
	err = xc_send_fbuf(&s->c, bts_enc_digest(s->c.fbuf, s->c.fcap, md));
	if (err < 0)
		return fatal(s, err, false);
	err = recv_ctl(s, BTS_F_REPLY, &p, &len);
	if (err < 0)
		return err;
	if (bts_dec_reply(p, len, &r) < 0 ||
	    (r.action != BTS_R_HAVE && r.action != BTS_R_NEED))
		return fatal(s, -BTS_EPROTO, true);
	if (r.action == BTS_R_NEED)
		return 0;
	s->st.skipped += n.files;
	s->st.dirs += n.dirs;
	s->st.symlinks += n.symlinks;
	xc_event(&s->o, BTS_EV_DONE, s->rel, n.bytes, n.bytes, BTS_HOW_IDENTICAL, 0, false);
	return 1;
}

static int send_tree(struct bts_sender *s, int dfd, const struct stat *st, int depth)
{
	struct bts_reply r;
	size_t rlen = strlen(s->rel);
	struct dirent *de;
	DIR *d;
	int err;

	if (depth > MAX_DEPTH) {
		close(dfd);
		return entry_failed(s, fail(s, -ELOOP), true);
	}
	fill_meta(&s->offer, BTS_K_DIR, st);
	err = send_offer(s, &r);
	if (err < 0) {
		close(dfd);
		return entry_failed(s, err, false);
	}
	if (r.action != BTS_R_DONE) {
		close(dfd);
		return fatal(s, -BTS_EPROTO, true);
	}
	s->st.dirs++;
	xc_event(&s->o, BTS_EV_DONE, s->rel, 0, 0, BTS_HOW_NEW, 0, false);
	if ((r.flags & BTS_RF_EXISTED) && (s->peer_caps & BTS_CAP_DIGEST)) {
		err = same_tree(s, dfd);
		if (err != 0) {
			close(dfd);
			return err < 0 ? err : 0;
		}
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return entry_failed(s, fail(s, -errno), true);
	}
	while ((errno = 0, de = readdir(d))) {
		struct stat est;
		int fd;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rlen + 1 + strlen(de->d_name) >= BTS_WIRE_PATH_MAX) {
			err = entry_failed(s, -ENAMETOOLONG, true);
			if (err < 0)
				break;
			continue;
		}
		snprintf(s->rel + rlen, sizeof(s->rel) - rlen, "/%s", de->d_name);
		if (fstatat(dirfd(d), de->d_name, &est, AT_SYMLINK_NOFOLLOW) < 0) {
			err = entry_failed(s, -errno, true);
		} else if (S_ISREG(est.st_mode)) {
			fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				err = entry_failed(s, -errno, true);
			} else {
				err = fstat(fd, &est) < 0 ? -errno : send_file_fd(s, fd, &est, false);
				close(fd);
				if (err < 0)
					err = entry_failed(s, err, false);
			}
		} else if (S_ISDIR(est.st_mode)) {
			fd = openat(dirfd(d), de->d_name,
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				err = entry_failed(s, -errno, true);
			else
				err = send_tree(s, fd, &est, depth + 1); /* closes fd */
		} else if (S_ISLNK(est.st_mode)) {
			err = send_symlink(s, dirfd(d), de->d_name, &est);
			if (err < 0)
				err = entry_failed(s, err, false);
		} else {
			/* Devices, sockets, FIFOs inside a tree: not data. */
			err = entry_failed(s, -BTS_EREFUSED, true);
		}
		s->rel[rlen] = '\0';
		if (err < 0)
			break;
		if ((err = xc_stopped(&s->c)) < 0) {
			fatal(s, err, true);
			break;
		}
	}
	if (!de && errno && err >= 0)
		err = entry_failed(s, -errno, true);
	closedir(d);
	s->rel[rlen] = '\0';
	return err;
}

/* The name an operand gets on the other side: its last component. */
static int wire_name(const char *path, char *out, size_t size)
{
	char *dup = strdup(path), *real = NULL, *end, *slash;
	const char *base;
	int err = 0;

	if (!dup)
		return -ENOMEM;
	end = dup + strlen(dup);
	while (end > dup + 1 && end[-1] == '/')
		*--end = '\0';
	slash = strrchr(dup, '/');
	base = slash ? slash + 1 : dup;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		real = realpath(path, NULL);
		if (!real) {
			err = -errno;
			goto out;
		}
		slash = strrchr(real, '/');
		base = slash ? slash + 1 : real;
	}
	if (!*base || bts_path_check(base, strlen(base)) < 0 ||
	    (size_t)snprintf(out, size, "%s", base) >= size)
		err = -BTS_EUNSAFEPATH;
out:
	free(real);
	free(dup);
	return err;
}

int bts_send_path(struct bts_sender *s, const char *path)
{
	struct stat st;
	int fd, err;

	if (!s->alive)
		return -BTS_ELINKLOST;
	s->first_err = 0;
	s->errpath[0] = '\0';
	snprintf(s->rel, sizeof(s->rel), "%s", path);
	err = wire_name(path, s->rel, sizeof(s->rel));
	if (err < 0)
		return fail(s, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(s, -errno);
	if (fstat(fd, &st) < 0) {
		err = fail(s, -errno);
		close(fd);
		return err;
	}
	if (S_ISDIR(st.st_mode)) {
		err = send_tree(s, fd, &st, 0);
		if (!err)
			err = s->first_err;
		return err;
	}
	if (S_ISREG(st.st_mode))
		err = send_file_fd(s, fd, &st, false);
	else
		err = send_file_fd(s, fd, &st, true); /* a FIFO, a character device */
	close(fd);
	return err;
}

int bts_send_stream(struct bts_sender *s, int fd, const char *name)
{
	struct stat st;

	if (!s->alive)
		return -BTS_ELINKLOST;
	s->errpath[0] = '\0';
	if (bts_path_check(name, strlen(name)) < 0 || strchr(name, '/'))
		return -BTS_EUNSAFEPATH;
	snprintf(s->rel, sizeof(s->rel), "%s", name);
	memset(&st, 0, sizeof(st));
	st.st_mode = 0644;
	clock_gettime(CLOCK_REALTIME, &st.st_mtim);
	return send_file_fd(s, fd, &st, true);
}

int bts_send_close(struct bts_sender *s)
{
	const uint8_t *p;
	size_t len;
	int err;

	s->rel[0] = '\0';
	if (!s->alive)
		return -BTS_ELINKLOST;
	err = xc_send_fbuf(&s->c, bts_enc_bye(s->c.fbuf, s->c.fcap));
	if (err < 0)
		return fatal(s, err, false);
	/* The receiver answers BYE once every directory's metadata is set
	 * and synced: exit 0 means the data is on its disk. */
	err = recv_ctl(s, BTS_F_BYE, &p, &len);
	s->st.ns = bts_now_ns() - s->t0;
	s->alive = false;
	return err;
}

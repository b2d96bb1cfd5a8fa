// SPDX-License-Identifier: GPL-2.0-or-later
/* The transfer protocol end to end over socketpairs standing in for the
 * Bluetooth link (SOCK_STREAM for RFCOMM, SOCK_SEQPACKET for L2CAP): the
 * receiver runs in a child process on real directories. Checks bytes,
 * trees, incremental sync, resume, refusals and a hostile sender. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "btsync/error.h"
#include "btsync/frame.h"
#include "btsync/transfer.h"

static char root[256], src[300], dst[300];

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **st)
{
	(void)st;
	snprintf(root, sizeof(root), "/tmp/btsync-xfer-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(src, sizeof(src), "%s/src", root);
	snprintf(dst, sizeof(dst), "%s/out", root);
	sh("mkdir -p %s %s", src, dst);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	sh("chmod -R u+rwx %s; rm -rf %s", root, root);
	return 0;
}

static void make_file(const char *name, size_t size, unsigned seed)
{
	char path[512];
	uint8_t buf[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", src, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	while (size) {
		size_t n = size < sizeof(buf) ? size : sizeof(buf);

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (uint8_t)(seed >> 16);
		}
		assert_int_equal(fwrite(buf, 1, n, f), n);
		size -= n;
	}
	fclose(f);
}

struct peer {
	pid_t pid;
	int fd;
	enum bts_proto proto;
};

struct recv_args {
	bool force;
	uint64_t max_size;
	bool to_stdout_file; /* out_fd: dst/stdout.bin */
};

/* Start a receiver in a child; its exit status is 0 or the wire code of
 * its error (small numbers), so the parent can check it. */
static struct peer start_recv(enum bts_proto proto, const struct recv_args *a)
{
	struct peer p = { .proto = proto };
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, proto == BTS_L2CAP ? SOCK_SEQPACKET : SOCK_STREAM,
				    0, sv), 0);
	p.pid = fork();
	assert_true(p.pid >= 0);
	if (p.pid == 0) {
		struct bts_link l = { .fd = sv[1], .proto = proto };
		struct bts_xfer_opts o = { .timeout_ms = 10000, .outdir_fd = -1, .out_fd = -1 };
		struct bts_xfer_stats st = { 0 };
		char errpath[4096];
		int err;

		close(sv[0]);
		if (proto == BTS_L2CAP)
			l.imtu = l.omtu = 1021;
		o.outdir_fd = open(dst, O_RDONLY | O_DIRECTORY);
		if (a && a->to_stdout_file) {
			char path[512];

			snprintf(path, sizeof(path), "%s/stdout.bin", dst);
			o.out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		}
		if (a) {
			o.force = a->force;
			o.max_size = a->max_size;
		}
		err = bts_recv_session(&l, &o, &st, errpath, sizeof(errpath));
		_exit(err < 0 ? (int)bts_wire_from_err(err) + 1 : 0);
	}
	close(sv[1]);
	p.fd = sv[0];
	return p;
}

static int wait_recv(struct peer *p)
{
	int status;

	close(p->fd);
	assert_int_equal(waitpid(p->pid, &status, 0), p->pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static struct bts_link link_of(const struct peer *p)
{
	struct bts_link l = { .fd = p->fd, .proto = p->proto };

	if (p->proto == BTS_L2CAP)
		l.imtu = l.omtu = 1021;
	return l;
}

/* Send paths (relative to src) in one session; returns the first error
 * and copies the stats out. */
static int send_paths(enum bts_proto proto, const struct recv_args *ra, bool sync,
		      struct bts_xfer_stats *out, int *recv_status, int n, ...)
{
	struct peer p = start_recv(proto, ra);
	struct bts_link l = link_of(&p);
	struct bts_xfer_opts o = { .timeout_ms = 10000, .sync = sync, .outdir_fd = -1, .out_fd = -1 };
	struct bts_sender *s;
	int err, first = 0;
	va_list ap;

	err = bts_send_open(&l, &o, &s);
	assert_int_equal(err, 0);
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", src, va_arg(ap, const char *));
		err = bts_send_path(s, path);
		if (err < 0 && !first)
			first = err;
		if (!bts_send_alive(s))
			break;
	}
	va_end(ap);
	err = bts_send_close(s);
	if (err < 0 && !first)
		first = err;
	*out = *bts_send_stats(s);
	bts_send_free(s);
	*recv_status = wait_recv(&p);
	return first;
}

static void assert_same(const char *name)
{
	sh("cmp %s/%s %s/%s", src, name, dst, name);
}

static void test_files_both_protos(void **st)
{
	struct bts_xfer_stats s;
	int rs;

	(void)st;
	make_file("empty", 0, 1);
	make_file("one", 1, 2);
	make_file("mib", 1 << 20, 3);
	make_file("odd", 3 * 8000 + 17, 4);
	for (int proto = BTS_RFCOMM; proto <= BTS_L2CAP; proto++) {
		sh("rm -rf %s/*", dst);
		assert_int_equal(send_paths(proto, NULL, false, &s, &rs, 4, "empty", "one", "mib", "odd"), 0);
		assert_int_equal(rs, 0);
		assert_int_equal(s.files, 4);
		assert_int_equal(s.data_bytes, 1 + (1 << 20) + 3 * 8000 + 17);
		assert_same("empty");
		assert_same("one");
		assert_same("mib");
		assert_same("odd");
		/* no temporary files left behind */
		sh("test -z \"$(ls -A %s | grep btsync)\"", dst);
	}
}

static void test_tree_incremental(void **st)
{
	struct bts_xfer_stats s;
	struct stat a, b;
	char p1[512], p2[512];
	int rs;

	(void)st;
	sh("mkdir -p %s/tree/a/b/c %s/tree/empty", src, src);
	make_file("tree/top", 5000, 5);
	make_file("tree/a/mid", 70000, 6);
	make_file("tree/a/b/c/deep", 123, 7);
	sh("chmod 0751 %s/tree/a/b && chmod 0600 %s/tree/top", src, src);
	sh("ln -s a/mid %s/tree/link && ln -s ../top %s/tree/a/up", src, src);
	sh("touch -d '2020-01-02 03:04:05' %s/tree/top %s/tree/a", src, src);
	assert_int_equal(send_paths(BTS_RFCOMM, NULL, false, &s, &rs, 1, "tree"), 0);
	assert_int_equal(rs, 0);
	assert_int_equal(s.files, 3);
	assert_int_equal(s.symlinks, 2);
	assert_int_equal(s.dirs, 5);
	sh("diff -r --no-dereference %s/tree %s/tree", src, dst);
	sh("test \"$(readlink %s/tree/link)\" = a/mid", dst);
	snprintf(p1, sizeof(p1), "%s/tree/a/b", src);
	snprintf(p2, sizeof(p2), "%s/tree/a/b", dst);
	assert_int_equal(stat(p1, &a), 0);
	assert_int_equal(stat(p2, &b), 0);
	assert_int_equal(a.st_mode, b.st_mode);
	snprintf(p1, sizeof(p1), "%s/tree/top", src);
	snprintf(p2, sizeof(p2), "%s/tree/top", dst);
	assert_int_equal(stat(p1, &a), 0);
	assert_int_equal(stat(p2, &b), 0);
	assert_int_equal(a.st_mode, b.st_mode);
	assert_int_equal(a.st_mtim.tv_sec, b.st_mtim.tv_sec);
	snprintf(p1, sizeof(p1), "%s/tree/a", src);
	snprintf(p2, sizeof(p2), "%s/tree/a", dst);
	assert_int_equal(stat(p1, &a), 0);
	assert_int_equal(stat(p2, &b), 0);
	assert_int_equal(a.st_mtim.tv_sec, b.st_mtim.tv_sec);

	/* Unchanged: no file data at all, and one digest for the whole
	 * tree instead of an offer per entry: HELLO both ways, the top
	 * directory's OFFER and REPLY, DIGEST and REPLY, BYE both ways. */
	assert_int_equal(send_paths(BTS_RFCOMM, NULL, false, &s, &rs, 1, "tree"), 0);
	assert_int_equal(rs, 0);
	assert_int_equal(s.data_bytes, 0);
	assert_int_equal(s.skipped, 3);
	assert_int_equal(s.files, 0);
	assert_int_equal(s.dirs, 5);
	assert_int_equal(s.symlinks, 2);
	assert_int_equal(s.wire_tx, 20 + (4 + 30 + 4) + 36 + 4);
	assert_int_equal(s.wire_rx, 20 + 52 + 52 + 4);
	/* The same over L2CAP. */
	assert_int_equal(send_paths(BTS_L2CAP, NULL, false, &s, &rs, 1, "tree"), 0);
	assert_int_equal(rs, 0);
	assert_int_equal(s.skipped, 3);
	assert_int_equal(s.wire_tx, 20 + (4 + 30 + 4) + 36 + 4);

	/* A mode change alone is a difference: entries go one by one and
	 * the file is found identical by its hash, unchanged subtrees by
	 * their digests. */
	sh("chmod 0640 %s/tree/top", src);
	assert_int_equal(send_paths(BTS_RFCOMM, NULL, false, &s, &rs, 1, "tree"), 0);
	assert_int_equal(rs, 0);
	assert_int_equal(s.data_bytes, 0);
	assert_int_equal(s.skipped, 3);
	assert_true(s.wire_tx > 20 + (4 + 30 + 4) + 36 + 4);
	/* The receiver took the new mode: one digest again. */
	assert_int_equal(send_paths(BTS_RFCOMM, NULL, false, &s, &rs, 1, "tree"), 0);
	assert_int_equal(s.wire_tx, 20 + (4 + 30 + 4) + 36 + 4);

	/* One file changed, same size: without --sync it is refused... */
	make_file("tree/a/mid", 70000, 99);
	assert_int_equal(send_paths(BTS_RFCOMM, NULL, false, &s, &rs, 1, "tree"), -BTS_EEXIST);
	assert_int_not_equal(rs, 0);
	assert_int_equal(s.data_bytes, 0);
	sh("! cmp -s %s/tree/a/mid %s/tree/a/mid", src, dst);
	/* ...with sync only that file moves. */
	assert_int_equal(send_paths(BTS_RFCOMM, NULL, true, &s, &rs, 1, "tree"), 0);
	assert_int_equal(rs, 0);
	assert_int_equal(s.data_bytes, 70000);
	assert_int_equal(s.files, 1);
	assert_int_equal(s.skipped, 2);
	sh("diff -r --no-dereference %s/tree %s/tree", src, dst);
}

static void test_resume(void **st)
{
	struct bts_xfer_stats s;
	int rs;

	(void)st;
	make_file("big", 300000, 11);
	/* A partial file as a killed transfer leaves it. */
	sh("head -c 100000 %s/big > %s/.btsync-big.part", src, dst);
	assert_int_equal(send_paths(BTS_L2CAP, NULL, false, &s, &rs, 1, "big"), 0);
	assert_int_equal(rs, 0);
	assert_int_equal(s.resumed, 1);
	assert_int_equal(s.data_bytes, 200000);
	assert_same("big");
	sh("test ! -e %s/.btsync-big.part", dst);
	/* A stale prefix that does not match: resent whole. */
	sh("rm %s/big; head -c 5000 /dev/zero > %s/.btsync-big.part", dst, dst);
	assert_int_equal(send_paths(BTS_RFCOMM, NULL, false, &s, &rs, 1, "big"), 0);
	assert_int_equal(s.resumed, 0);
	assert_int_equal(s.data_bytes, 300000);
	assert_same("big");
}

static void test_refusals(void **st)
{
	struct bts_xfer_stats s;
	struct recv_args ra = { .max_size = 1000 };
	int rs;

	(void)st;
	make_file("small", 999, 1);
	make_file("large", 1001, 2);
	assert_int_equal(send_paths(BTS_RFCOMM, &ra, false, &s, &rs, 2, "large", "small"),
			 -BTS_ETOOBIG);
	assert_int_equal(rs, BTS_W_TOOBIG + 1);
	assert_same("small");
	sh("test ! -e %s/large", dst);
	/* A different file in the way: refused, untouched; --force replaces. */
	sh("echo precious > %s/large", dst);
	assert_int_equal(send_paths(BTS_RFCOMM, NULL, false, &s, &rs, 1, "large"), -BTS_EEXIST);
	sh("grep -q precious %s/large", dst);
	ra.max_size = 0;
	ra.force = true;
	assert_int_equal(send_paths(BTS_RFCOMM, &ra, false, &s, &rs, 1, "large"), 0);
	assert_same("large");
}

static void test_stream(void **st)
{
	struct peer p;
	struct bts_link l;
	struct bts_xfer_opts o = { .timeout_ms = 10000, .outdir_fd = -1, .out_fd = -1 };
	struct recv_args ra = { .to_stdout_file = true };
	struct bts_sender *s;
	char cmd[600];
	FILE *in;

	(void)st;
	make_file("piped", 200001, 21);
	for (int mode = 0; mode < 2; mode++) {
		p = start_recv(BTS_RFCOMM, mode ? &ra : NULL);
		l = link_of(&p);
		snprintf(cmd, sizeof(cmd), "cat %s/piped", src);
		in = popen(cmd, "r");
		assert_non_null(in);
		assert_int_equal(bts_send_open(&l, &o, &s), 0);
		assert_int_equal(bts_send_stream(s, fileno(in), "stdin"), 0);
		assert_int_equal(bts_send_close(s), 0);
		bts_send_free(s);
		pclose(in);
		assert_int_equal(wait_recv(&p), 0);
		sh("cmp %s/piped %s/%s", src, dst, mode ? "stdout.bin" : "stdin");
	}
}

/* ---- a hostile sender speaking frames by hand ---- */

static void put_frame(int fd, const uint8_t *buf, ssize_t len)
{
	assert_true(len > 0);
	assert_int_equal(write(fd, buf, (size_t)len), len);
}

static int read_frame(int fd, uint8_t *type, uint8_t *payload, size_t cap)
{
	uint8_t hdr[4];
	size_t len;

	if (read(fd, hdr, 4) != 4)
		return -1;
	*type = hdr[0];
	len = (size_t)hdr[2] << 8 | hdr[3];
	assert_true(len <= cap);
	if (len && read(fd, payload, len) != (ssize_t)len)
		return -1;
	return (int)len;
}

static struct peer hostile_hello(void)
{
	struct peer p = start_recv(BTS_RFCOMM, NULL);
	struct bts_hello h = { .version = BTS_PROTO_VERSION, .caps = BTS_CAPS_ALL, .max_payload = 8000 };
	uint8_t buf[70000], type;

	put_frame(p.fd, buf, bts_enc_hello(buf, sizeof(buf), &h));
	assert_true(read_frame(p.fd, &type, buf, sizeof(buf)) > 0);
	assert_int_equal(type, BTS_F_HELLO);
	return p;
}

static uint8_t offer_reply(int fd, const char *path, uint8_t kind, uint64_t size, const char *target)
{
	struct bts_offer of;
	uint8_t buf[70000], type;
	struct bts_reply r;
	int n;

	memset(&of, 0, sizeof(of));
	of.kind = kind;
	of.mode = 0644;
	of.size = size;
	snprintf(of.path, sizeof(of.path), "%s", path);
	if (target)
		snprintf(of.target, sizeof(of.target), "%s", target);
	put_frame(fd, buf, bts_enc_offer(buf, sizeof(buf), &of));
	n = read_frame(fd, &type, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(type, BTS_F_REPLY);
	assert_int_equal(bts_dec_reply(buf, (size_t)n, &r), 0);
	return r.action;
}

static void test_hostile(void **st)
{
	uint8_t buf[70000];
	struct bts_start s = { 0 };
	struct peer p;
	int status;

	(void)st;
	p = hostile_hello();
	assert_int_equal(offer_reply(p.fd, "../escape", BTS_K_FILE, 1, NULL), BTS_R_REFUSE);
	assert_int_equal(offer_reply(p.fd, "a/../../escape", BTS_K_FILE, 1, NULL), BTS_R_REFUSE);
	assert_int_equal(offer_reply(p.fd, ".btsync-x.part", BTS_K_FILE, 1, NULL), BTS_R_REFUSE);
	assert_int_equal(offer_reply(p.fd, "evil", BTS_K_SYMLINK, 0, "../../etc"), BTS_R_REFUSE);
	assert_int_equal(offer_reply(p.fd, "evil2", BTS_K_SYMLINK, 0, "/etc"), BTS_R_REFUSE);
	/* A symlink inside the tree is fine, but nothing goes through it. */
	assert_int_equal(offer_reply(p.fd, "d", BTS_K_SYMLINK, 0, "."), BTS_R_DONE);
	assert_int_equal(offer_reply(p.fd, "d/x", BTS_K_FILE, 1, NULL), BTS_R_REFUSE);
	/* A size lie: announce 10 bytes, send 20. */
	assert_int_equal(offer_reply(p.fd, "liar", BTS_K_FILE, 10, NULL), BTS_R_NEED);
	put_frame(p.fd, buf, bts_enc_start(buf, sizeof(buf), &s));
	bts_frame_put_header(buf, BTS_F_DATA, 20);
	memset(buf + 4, 'x', 20);
	put_frame(p.fd, buf, 24);
	status = wait_recv(&p);
	assert_int_equal(status, BTS_W_PROTO + 1);
	sh("test ! -e %s/liar && test ! -e %s/.btsync-liar.part && test ! -e %s/escape", dst, dst, root);

	/* Unknown frame type, and an oversized one. */
	p = hostile_hello();
	bts_frame_put_header(buf, 42, 0);
	put_frame(p.fd, buf, 4);
	assert_int_equal(wait_recv(&p), BTS_W_PROTO + 1);
	p = hostile_hello();
	bts_frame_put_header(buf, BTS_F_OFFER, 65535);
	memset(buf + 4, 0, 65535);
	put_frame(p.fd, buf, 4 + 65535);
	assert_int_not_equal(wait_recv(&p), 0);
	/* Truncated: a header promising more than ever comes, then EOF;
	 * the partial file stays as .part only. */
	p = hostile_hello();
	assert_int_equal(offer_reply(p.fd, "cut", BTS_K_FILE, 100, NULL), BTS_R_NEED);
	put_frame(p.fd, buf, bts_enc_start(buf, sizeof(buf), &s));
	bts_frame_put_header(buf, BTS_F_DATA, 50);
	memset(buf + 4, 'y', 30);
	put_frame(p.fd, buf, 34);
	assert_int_not_equal(wait_recv(&p), 0);
	sh("test ! -e %s/cut", dst);
	/* A stream to stdout whose END hash does not match: the data went
	 * out as it came, but the receiver must fail. */
	{
		struct recv_args ra = { .to_stdout_file = true };
		struct bts_hello h = { .version = BTS_PROTO_VERSION, .caps = BTS_CAPS_ALL,
				       .max_payload = 8000 };
		struct bts_offer of;
		struct bts_end e = { .size = 5 };
		uint8_t type;

		p = start_recv(BTS_RFCOMM, &ra);
		put_frame(p.fd, buf, bts_enc_hello(buf, sizeof(buf), &h));
		assert_true(read_frame(p.fd, &type, buf, sizeof(buf)) > 0);
		memset(&of, 0, sizeof(of));
		of.kind = BTS_K_FILE;
		of.flags = BTS_OF_STREAM;
		of.size = UINT64_MAX;
		strcpy(of.path, "stdin");
		put_frame(p.fd, buf, bts_enc_offer(buf, sizeof(buf), &of));
		assert_true(read_frame(p.fd, &type, buf, sizeof(buf)) > 0);
		assert_int_equal(type, BTS_F_REPLY);
		put_frame(p.fd, buf, bts_enc_start(buf, sizeof(buf), &s));
		bts_frame_put_header(buf, BTS_F_DATA, 5);
		memcpy(buf + 4, "hello", 5);
		put_frame(p.fd, buf, 9);
		memset(e.hash, 0x11, sizeof(e.hash));
		put_frame(p.fd, buf, bts_enc_end(buf, sizeof(buf), &e));
		assert_true(read_frame(p.fd, &type, buf, sizeof(buf)) > 0);
		assert_int_equal(type, BTS_F_RESULT);
		bts_frame_put_header(buf, BTS_F_BYE, 0);
		put_frame(p.fd, buf, 4);
		assert_int_equal(read_frame(p.fd, &type, buf, sizeof(buf)), 0); /* BYE: empty */
		assert_int_equal(type, BTS_F_BYE);
		assert_int_equal(wait_recv(&p), BTS_W_CHECKSUM + 1);
		sh("rm -f %s/stdout.bin", dst);
	}
	/* Garbage instead of HELLO. */
	p = start_recv(BTS_RFCOMM, NULL);
	put_frame(p.fd, (const uint8_t *)"GET / HTTP/1.0\r\n\r\n", 18);
	assert_int_not_equal(wait_recv(&p), 0);
	sh("test -z \"$(ls -A %s | grep -v '^out$\\|^src$')\"", root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_files_both_protos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_incremental, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

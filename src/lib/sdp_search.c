// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SDP client: a Service Search Attribute request with libbluetooth's
 * asynchronous API, so our own poll() bounds the whole exchange
 * (sdp_connect() in blocking mode can hang for the page timeout and the
 * synchronous requests wait up to 20 s per continuation).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bluetooth/bluetooth.h>
#include <bluetooth/sdp.h>
#include <bluetooth/sdp_lib.h>

#include "btsync/error.h"
#include "btsync/sdp.h"
#include "btsync/sdp_parse.h"
#include "btsync/util.h"

/* Largest AttributeLists we accept: far more than any real server's
 * public records, small enough to bound memory. Parsing is ours
 * (sdp_parse.c), not libbluetooth's. */
#define SDP_RSP_MAX (256 * 1024)

struct search_ctx {
	bool done;
	uint8_t type;
	uint16_t status;
	uint8_t *data;
	size_t len;
};

static void on_response(uint8_t type, uint16_t status, uint8_t *rsp, size_t size, void *udata)
{
	struct search_ctx *c = udata;

	c->done = true;
	c->type = type;
	c->status = status;
	if (status == 0 && rsp && size && size <= SDP_RSP_MAX) {
		c->data = malloc(size);
		if (c->data) {
			memcpy(c->data, rsp, size);
			c->len = size;
		}
	}
}

static int remaining(uint64_t deadline)
{
	uint64_t now = bts_now_ns();

	return now >= deadline ? 0 : (int)((deadline - now) / 1000000 + 1);
}

static int map_connect_err(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return -BTS_ENOSDP;  /* the device is there, no SDP server */
	case 0:
		return -EIO;
	default:
		return -err;
	}
}

/* Wait until fd is ready for events or the deadline passes. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	for (;;) {
		int left = remaining(deadline), r;

		if (!left)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, left);
		if (r < 0 && errno == EINTR)
			return -EINTR;
		if (r < 0)
			return bts_neg_errno();
		if (r > 0)
			return 0;
	}
}

int bts_sdp_search(const bdaddr_t *src, const bdaddr_t *dst, const uuid_t *uuid,
		   struct bts_sdp_service *out, size_t max, int timeout_ms)
{
	struct search_ctx ctx = { 0 };
	uint64_t deadline;
	sdp_session_t *session;
	sdp_list_t *search = NULL, *attrs = NULL;
	uint32_t range = 0x0000ffff;
	uuid_t what;
	bdaddr_t any = { { 0 } };
	socklen_t elen;
	int fd, err = 0, soerr = 0;

	if (timeout_ms <= 0)
		timeout_ms = 20000;
	deadline = bts_now_ns() + (uint64_t)timeout_ms * 1000000;
	if (uuid)
		what = *uuid;
	else
		sdp_uuid16_create(&what, PUBLIC_BROWSE_GROUP); /* every public record */

	session = sdp_connect(src ? src : &any, dst, SDP_NON_BLOCKING);
	if (!session)
		return map_connect_err(errno);
	fd = sdp_get_socket(session);
	err = wait_fd(fd, POLLOUT, deadline);
	if (err < 0)
		goto out;
	elen = sizeof(soerr);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen) < 0)
		soerr = errno;
	if (soerr) {
		err = map_connect_err(soerr);
		goto out;
	}
	if (sdp_set_notify(session, on_response, &ctx) < 0) {
		err = bts_neg_errno();
		goto out;
	}
	search = sdp_list_append(NULL, &what);
	attrs = sdp_list_append(NULL, &range);
	if (!search || !attrs) {
		err = -ENOMEM;
		goto out;
	}
	if (sdp_service_search_attr_async(session, search, SDP_ATTR_REQ_RANGE, attrs) < 0) {
		err = bts_neg_errno();
		goto out;
	}
	while (!ctx.done) {
		err = wait_fd(fd, POLLIN, deadline);
		if (err < 0)
			goto out;
		/* -1 means finished or failed; the callback tells which */
		if (sdp_process(session) < 0 && !ctx.done) {
			err = errno ? -errno : -BTS_EPROTO;
			goto out;
		}
	}
	if (ctx.type == SDP_ERROR_RSP || ctx.status) {
		err = -BTS_EPROTO;
		goto out;
	}
	if (!ctx.data) {
		err = ctx.len ? -ENOMEM : 0;
		goto out;
	}
	err = bts_sdp_parse_records(ctx.data, ctx.len, dst, out, max);
out:
	free(ctx.data);
	sdp_list_free(search, NULL);
	sdp_list_free(attrs, NULL);
	sdp_close(session);
	return err;
}

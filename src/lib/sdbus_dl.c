// SPDX-License-Identifier: GPL-2.0-or-later
/* libsystemd on demand. Only advertising and A2DP talk to bluetoothd over
 * D-Bus, yet linking libsystemd made every btsync process map and relocate
 * it and the six libraries it pulls in (gcrypt, lz4, lzma, zstd, cap,
 * gpg-error) before main(): about a million instructions, 80 % of them in
 * the dynamic loader's symbol lookups, which the emulated lab showed as
 * startup CPU time in every scan, send and connect. So btsync does not
 * link it: the sd-bus functions it uses are defined here and forward to
 * the real ones, which are looked up once, the first time any is called.
 *
 * Without libsystemd the entry points (sd_bus_open_system and friends)
 * fail with -ELIBACC and the callers treat that as "no D-Bus" (advertising
 * falls back to the legacy SDP socket; --a2dp says bluetoothd is
 * unreachable). The functions that only take objects an entry point made
 * cannot be reached without it, and do nothing. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

#define SDBUS_LIB "libsystemd.so.0"

/* Every function btsync calls (the variadic ones through their va_list
 * twins). */
#define SDBUS_FUNCS(X)                        \
	X(sd_bus_open_system)                 \
	X(sd_bus_flush_close_unref)           \
	X(sd_bus_set_method_call_timeout)     \
	X(sd_bus_get_fd)                      \
	X(sd_bus_get_events)                  \
	X(sd_bus_process)                     \
	X(sd_bus_wait)                        \
	X(sd_bus_send)                        \
	X(sd_bus_call)                        \
	X(sd_bus_call_async)                  \
	X(sd_bus_call_methodv)                \
	X(sd_bus_call_method_asyncv)          \
	X(sd_bus_get_property_trivial)        \
	X(sd_bus_match_signal)                \
	X(sd_bus_add_object_vtable)           \
	X(sd_bus_slot_unref)                  \
	X(sd_bus_error_free)                  \
	X(sd_bus_error_has_name)              \
	X(sd_bus_error_set)                   \
	X(sd_bus_message_new_method_call)     \
	X(sd_bus_message_new_method_return)   \
	X(sd_bus_reply_method_returnv)        \
	X(sd_bus_message_unref)               \
	X(sd_bus_message_appendv)             \
	X(sd_bus_message_append_array)        \
	X(sd_bus_message_open_container)      \
	X(sd_bus_message_close_container)     \
	X(sd_bus_message_enter_container)     \
	X(sd_bus_message_exit_container)      \
	X(sd_bus_message_readv)               \
	X(sd_bus_message_read_array)          \
	X(sd_bus_message_skip)                \
	X(sd_bus_message_get_error)           \
	X(sd_bus_message_get_path)

/* The resolved functions: a cache of what the dynamic loader found, the
 * same for every caller, filled once. */
static struct {
/* f names the member: it cannot be parenthesised. */
#define SDBUS_PTR(f) __typeof__(f) *f; /* NOLINT(bugprone-macro-parentheses) */
	SDBUS_FUNCS(SDBUS_PTR)
#undef SDBUS_PTR
} api;
static const unsigned *real_vtable_format;
static int loaded; /* 1 when every pointer in api is set */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *h = dlopen(SDBUS_LIB, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return;
#define SDBUS_SYM(f)                                   \
	*(void **)&api.f = dlsym(h, #f);               \
	if (!api.f)                                    \
		goto missing;
	SDBUS_FUNCS(SDBUS_SYM)
#undef SDBUS_SYM
	real_vtable_format = dlsym(h, "sd_bus_object_vtable_format");
	if (!real_vtable_format)
		goto missing;
	loaded = 1; /* h stays open: the library lives as long as we do */
	return;
missing:
	/* A libsystemd without something we call: as if it were absent. */
	memset(&api, 0, sizeof(api));
	real_vtable_format = NULL;
	dlclose(h);
}

static int ready(void)
{
	pthread_once(&load_once, load);
	return loaded;
}

/* --- entry points: fail without the library ---------------------------- */

int sd_bus_open_system(sd_bus **ret)
{
	if (!ready()) {
		*ret = NULL;
		return -ELIBACC;
	}
	return api.sd_bus_open_system(ret);
}

int sd_bus_error_set(sd_bus_error *e, const char *name, const char *message)
{
	/* Used by method handlers to fail a call: negative, as libsystemd's
	 * is, so the handler's return still says "failed". */
	return ready() ? api.sd_bus_error_set(e, name, message) : -EIO;
}

/* --- the rest: only reachable with objects from an entry point ---------- */

sd_bus *sd_bus_flush_close_unref(sd_bus *bus)
{
	return ready() ? api.sd_bus_flush_close_unref(bus) : NULL;
}

int sd_bus_set_method_call_timeout(sd_bus *bus, uint64_t usec)
{
	return ready() ? api.sd_bus_set_method_call_timeout(bus, usec) : -ELIBACC;
}

int sd_bus_get_fd(sd_bus *bus)
{
	return ready() ? api.sd_bus_get_fd(bus) : -ELIBACC;
}

int sd_bus_get_events(sd_bus *bus)
{
	return ready() ? api.sd_bus_get_events(bus) : -ELIBACC;
}

int sd_bus_process(sd_bus *bus, sd_bus_message **r)
{
	return ready() ? api.sd_bus_process(bus, r) : -ELIBACC;
}

int sd_bus_wait(sd_bus *bus, uint64_t timeout_usec)
{
	return ready() ? api.sd_bus_wait(bus, timeout_usec) : -ELIBACC;
}

int sd_bus_send(sd_bus *bus, sd_bus_message *m, uint64_t *cookie)
{
	return ready() ? api.sd_bus_send(bus, m, cookie) : -ELIBACC;
}

int sd_bus_call(sd_bus *bus, sd_bus_message *m, uint64_t usec, sd_bus_error *ret_error,
		sd_bus_message **reply)
{
	return ready() ? api.sd_bus_call(bus, m, usec, ret_error, reply) : -ELIBACC;
}

int sd_bus_call_async(sd_bus *bus, sd_bus_slot **slot, sd_bus_message *m,
		      sd_bus_message_handler_t callback, void *userdata, uint64_t usec)
{
	return ready() ? api.sd_bus_call_async(bus, slot, m, callback, userdata, usec) : -ELIBACC;
}

int sd_bus_call_method(sd_bus *bus, const char *destination, const char *path,
		       const char *interface, const char *member, sd_bus_error *ret_error,
		       sd_bus_message **reply, const char *types, ...)
{
	va_list ap;
	int r;

	if (!ready())
		return -ELIBACC;
	va_start(ap, types);
	r = api.sd_bus_call_methodv(bus, destination, path, interface, member, ret_error, reply,
				    types, ap);
	va_end(ap);
	return r;
}

int sd_bus_call_method_async(sd_bus *bus, sd_bus_slot **slot, const char *destination,
			     const char *path, const char *interface, const char *member,
			     sd_bus_message_handler_t callback, void *userdata, const char *types,
			     ...)
{
	va_list ap;
	int r;

	if (!ready())
		return -ELIBACC;
	va_start(ap, types);
	r = api.sd_bus_call_method_asyncv(bus, slot, destination, path, interface, member,
					  callback, userdata, types, ap);
	va_end(ap);
	return r;
}

int sd_bus_get_property_trivial(sd_bus *bus, const char *destination, const char *path,
				const char *interface, const char *member,
				sd_bus_error *ret_error, char type, void *ret_ptr)
{
	return ready() ? api.sd_bus_get_property_trivial(bus, destination, path, interface, member,
							  ret_error, type, ret_ptr)
		       : -ELIBACC;
}

int sd_bus_match_signal(sd_bus *bus, sd_bus_slot **ret, const char *sender, const char *path,
			const char *interface, const char *member,
			sd_bus_message_handler_t callback, void *userdata)
{
	return ready() ? api.sd_bus_match_signal(bus, ret, sender, path, interface, member,
						  callback, userdata)
		       : -ELIBACC;
}

/* SD_BUS_VTABLE_START puts the address of this variable in a vtable's
 * first entry, and libsystemd checks that it is the address of its own:
 * the vtables we pass are copies with that address filled in. This
 * definition only satisfies the link. */
const unsigned sd_bus_object_vtable_format = 242;

static const sd_bus_vtable *vtable_for_lib(const sd_bus_vtable *v)
{
	/* One copy per vtable for the life of the process (libsystemd keeps
	 * the pointer): btsync has a couple. */
	static struct {
		const sd_bus_vtable *orig;
		sd_bus_vtable *copy;
	} made[8];
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	sd_bus_vtable *copy = NULL;
	size_t n = 1;

	while (v[n - 1].type != _SD_BUS_VTABLE_END)
		n++;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		if (made[i].orig == v) {
			copy = made[i].copy;
			break;
		}
		if (!made[i].orig) {
			copy = malloc(n * sizeof(*copy));
			if (copy) {
				memcpy(copy, v, n * sizeof(*copy));
				copy[0].x.start.vtable_format_reference = real_vtable_format;
				made[i].orig = v;
				made[i].copy = copy;
			}
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	return copy;
}

int sd_bus_add_object_vtable(sd_bus *bus, sd_bus_slot **slot, const char *path,
			     const char *interface, const sd_bus_vtable *vtable, void *userdata)
{
	const sd_bus_vtable *v;

	if (!ready())
		return -ELIBACC;
	v = vtable_for_lib(vtable);
	if (!v)
		return -ENOMEM;
	return api.sd_bus_add_object_vtable(bus, slot, path, interface, v, userdata);
}

sd_bus_slot *sd_bus_slot_unref(sd_bus_slot *slot)
{
	return ready() ? api.sd_bus_slot_unref(slot) : NULL;
}

void sd_bus_error_free(sd_bus_error *e)
{
	/* Without the library nothing can have filled e. */
	if (ready())
		api.sd_bus_error_free(e);
}

int sd_bus_error_has_name(const sd_bus_error *e, const char *name)
{
	return ready() ? api.sd_bus_error_has_name(e, name) : 0;
}

int sd_bus_message_new_method_call(sd_bus *bus, sd_bus_message **m, const char *destination,
				   const char *path, const char *interface, const char *member)
{
	return ready() ? api.sd_bus_message_new_method_call(bus, m, destination, path, interface,
							     member)
		       : -ELIBACC;
}

int sd_bus_message_new_method_return(sd_bus_message *call, sd_bus_message **m)
{
	return ready() ? api.sd_bus_message_new_method_return(call, m) : -ELIBACC;
}

int sd_bus_reply_method_return(sd_bus_message *call, const char *types, ...)
{
	va_list ap;
	int r;

	if (!ready())
		return -ELIBACC;
	va_start(ap, types);
	r = api.sd_bus_reply_method_returnv(call, types, ap);
	va_end(ap);
	return r;
}

sd_bus_message *sd_bus_message_unref(sd_bus_message *m)
{
	return ready() ? api.sd_bus_message_unref(m) : NULL;
}

int sd_bus_message_append(sd_bus_message *m, const char *types, ...)
{
	va_list ap;
	int r;

	if (!ready())
		return -ELIBACC;
	va_start(ap, types);
	r = api.sd_bus_message_appendv(m, types, ap);
	va_end(ap);
	return r;
}

int sd_bus_message_append_array(sd_bus_message *m, char type, const void *ptr, size_t size)
{
	return ready() ? api.sd_bus_message_append_array(m, type, ptr, size) : -ELIBACC;
}

int sd_bus_message_open_container(sd_bus_message *m, char type, const char *contents)
{
	return ready() ? api.sd_bus_message_open_container(m, type, contents) : -ELIBACC;
}

int sd_bus_message_close_container(sd_bus_message *m)
{
	return ready() ? api.sd_bus_message_close_container(m) : -ELIBACC;
}

int sd_bus_message_enter_container(sd_bus_message *m, char type, const char *contents)
{
	return ready() ? api.sd_bus_message_enter_container(m, type, contents) : -ELIBACC;
}

int sd_bus_message_exit_container(sd_bus_message *m)
{
	return ready() ? api.sd_bus_message_exit_container(m) : -ELIBACC;
}

int sd_bus_message_read(sd_bus_message *m, const char *types, ...)
{
	va_list ap;
	int r;

	if (!ready())
		return -ELIBACC;
	va_start(ap, types);
	r = api.sd_bus_message_readv(m, types, ap);
	va_end(ap);
	return r;
}

int sd_bus_message_read_array(sd_bus_message *m, char type, const void **ptr, size_t *size)
{
	return ready() ? api.sd_bus_message_read_array(m, type, ptr, size) : -ELIBACC;
}

int sd_bus_message_skip(sd_bus_message *m, const char *types)
{
	return ready() ? api.sd_bus_message_skip(m, types) : -ELIBACC;
}

const sd_bus_error *sd_bus_message_get_error(sd_bus_message *m)
{
	return ready() ? api.sd_bus_message_get_error(m) : NULL;
}

const char *sd_bus_message_get_path(sd_bus_message *m)
{
	return ready() ? api.sd_bus_message_get_path(m) : NULL;
}

/*
 * model/shutdown.c — shutdown hooks: what io-pkt runs, newest first and only once, when
 * it exits or crashes (model_shutdown). A driver establishes one in attach and must
 * disestablish it in detach; a hook left behind by a detached device is found when it
 * would run ("use-after-detach" / "use-of-unloaded-driver") and is recorded as a
 * leftover when its DLL is unloaded.
 */
#include "net_int.h"

#include <string.h>

struct net_hook {
	uint32_t magic;
	void (*fn)(void *);
	void *arg;
	struct net_hook *next;      /* newest first */
};

static struct {
	struct net_hook *head;
	int ran;
} H;

void net_shutdown_init(void)
{
	memset(&H, 0, sizeof(H));
}

static void trace_hook(const char *op, void (*fn)(void *))
{
	char name[96];
	sim_emit(net_w(), model_net.k.shutdown_hook, op,
	         fn ? net_fn_name((const void *)fn, name, sizeof(name)) : "");
}

void *shutdownhook_establish(void (*fn)(void *), void *arg)
{
	struct net_hook *h;
	if (!fn)
		return NULL;
	h = sim_alloc(net_w(), sizeof(*h));
	h->magic = NET_MAGIC_HOOK;
	h->fn = fn;
	h->arg = arg;
	h->next = H.head;
	H.head = h;
	trace_hook("establish", fn);
	return h;
}

void shutdownhook_disestablish(void *handle)
{
	struct net_hook **pp;
	for (pp = &H.head; *pp; pp = &(*pp)->next)
		if (*pp == handle) {
			struct net_hook *h = *pp;
			*pp = h->next;
			trace_hook("disestablish", h->fn);
			h->magic = 0;
			sim_free(net_w(), h, sizeof(*h));
			return;
		}
	model_breach("shutdownhook-unknown", "shutdownhook_disestablish of %s, which is not an "
	             "established hook (removed twice?)", handle ? "a handle" : "NULL");
}

int net_hook_count_of_dll(const struct net_dll *d, char *buf, size_t n)
{
	char name[96];
	int c = 0;
	for (struct net_hook *h = H.head; h; h = h->next)
		if ((uintptr_t)h->fn >= d->base && (uintptr_t)h->fn < d->end) {
			net_append(buf, n, "shutdown hook %s", net_fn_name((const void *)h->fn, name,
			                                                    sizeof(name)));
			c++;
		}
	return c;
}

int net_hook_count_in(const void *mem, size_t size, char *buf, size_t n)
{
	char name[96];
	int c = 0;
	for (struct net_hook *h = H.head; h; h = h->next)
		if ((const char *)h->arg >= (const char *)mem &&
		    (const char *)h->arg < (const char *)mem + size) {
			net_append(buf, n, "shutdown hook %s", net_fn_name((const void *)h->fn, name,
			                                                    sizeof(name)));
			c++;
		}
	return c;
}

/* Run every hook, newest first, once per io-pkt. Returns how many ran. */
int net_shutdown_run(void)
{
	struct net_hook *h, *next;
	int n = 0;
	if (H.ran)
		return 0;
	H.ran = 1;
	for (h = H.head; h; h = next) {
		next = h->next;
		trace_hook("run", h->fn);
		if (net_call_enter("shutdown hook", (const void *)h->fn, h->arg)) {
			h->fn(h->arg);
			net_call_exit();
		}
		n++;
	}
	return n;
}

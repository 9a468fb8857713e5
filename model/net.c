/*
 * model/net.c — the net half of the io-pkt model: its state, its creation (trace kinds,
 * the mbuf pool), and the work it hands the stack.
 */
#include "net_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct model_net model_net;

void net_append(char *buf, size_t n, const char *fmt, ...)
{
	size_t l = strlen(buf);
	va_list ap;
	if (l + 1 >= n)
		return;
	if (l > 0 && l + 3 < n) {
		memcpy(buf + l, "; ", 3);
		l += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + l, n - l, fmt, ap);
	va_end(ap);
}

/* Register the trace kinds of the net half (arguments: i = integer, s = string). */
static void net_kinds_register(sim_world *w, struct net_kinds *k)
{
	k->mbuf_alloc = sim_trace_kind(w, "mbuf_alloc", "iiss");   /* seq, cluster, owner, site */
	k->mbuf_free = sim_trace_kind(w, "mbuf_free", "iss");      /* seq, owner, site */
	k->mbuf_fail = sim_trace_kind(w, "mbuf_fail", "ss");       /* why, site */
	k->ifq = sim_trace_kind(w, "ifq", "ssii");                 /* op, if, frames, len after */
	k->if_flags = sim_trace_kind(w, "if_flags", "ssiiii");     /* if, cause, old, new, old_tx, new_tx */
	k->if_call = sim_trace_kind(w, "if_call", "sssi");         /* if, entry, fn, result */
	k->link_state = sim_trace_kind(w, "link_state", "sis");    /* if, state, how */
	k->if_input = sim_trace_kind(w, "if_input", "sis");        /* if, bytes, what */
	k->ether_input = sim_trace_kind(w, "ether_input", "sis");  /* if, bytes, what */
	k->request = sim_trace_kind(w, "net_request", "sis");      /* command, result, reason */
	k->dev_attach = sim_trace_kind(w, "dev_attach", "sis");    /* device, result, driver */
	k->dev_detach = sim_trace_kind(w, "dev_detach", "sis");    /* device, result, what */
	k->dll_load = sim_trace_kind(w, "dll_load", "sis");        /* file, load id, path */
	k->dll_unload = sim_trace_kind(w, "dll_unload", "sis");    /* file, load id, how */
	k->leftover = sim_trace_kind(w, "leftover", "ss");         /* file, what */
	k->shutdown_hook = sim_trace_kind(w, "shutdown_hook", "ss"); /* op, fn */
	k->log = sim_trace_kind(w, "log", "is");                   /* level, message */
	k->app_send = sim_trace_kind(w, "app_send", "siiii");      /* if, bytes, count, sent, errno */
	k->media = sim_trace_kind(w, "media", "si");               /* op, media word */
	/* mbuf allocs, frees, if_input, ether_input, if_snd enqueues, dequeues (counted) */
	k->frames = sim_trace_kind(w, "frames", "iiiiii");
}

void net_frames_flush(void)
{
	struct net_frame_counts *c = &model_net.fc;
	if (!(c->mbuf_alloc | c->mbuf_free | c->if_input | c->ether_input | c->ifq_enqueue |
	      c->ifq_dequeue))
		return;
	sim_emit(net_w(), model_net.k.frames, c->mbuf_alloc, c->mbuf_free, c->if_input,
	         c->ether_input, c->ifq_enqueue, c->ifq_dequeue);
	memset(c, 0, sizeof(*c));
}

int net_thread_ok(const struct net_thread_rule *rule, const char *what)
{
	struct model_thread *t = model_thread_self();
	if (!t) {
		model_breach(rule->isr_rule, rule->isr_fmt, what);
		return 0;
	}
	switch (model_thread_kind(t)) {
	case MT_WORKER:
	case MT_PSEUDO:
	case MT_TRACKED:
		return 1;
	case MT_MAIN:
		if (rule->main_rule) {
			model_breach(rule->main_rule, rule->main_fmt, what);
			return 0;
		}
		/* fall through */
	default:
		model_breach(rule->untracked_rule, rule->untracked_fmt, what, model_thread_name(t));
		return 0;
	}
}

int model_frame_records(void)
{
	return model_net.frame_records;
}

void model_net_pass_end(void)
{
	if (model_net.w) {
		net_frames_flush();
		net_bridge_pass_end();
	}
}

int model_net_create(sim_world *w, const struct model_config *cfg, char *err, size_t errlen)
{
	const char *dir = cfg->driver_dir ? cfg->driver_dir : ".";
	if (strlen(dir) >= sizeof(model_net.driver_dir)) {
		sim_errf(err, errlen, "driver folder name too long");
		return -ENAMETOOLONG;
	}
	memset(&model_net, 0, sizeof(model_net));
	model_net.w = w;
	model_net.frame_records = cfg->frame_records;
	snprintf(model_net.driver_dir, sizeof(model_net.driver_dir), "%s", dir);
	net_kinds_register(w, &model_net.k);
	net_mbuf_init();
	net_input_init();
	net_shutdown_init();
	net_bridge_init();
	return 0;
}

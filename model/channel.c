/*
 * model/channel.c — QNX channels, connections and pulses, and the delivery of a
 * sigevent. A worker's channel is special: a pulse on it wakes the worker (and, for an
 * interrupt entry's own event, queues that entry first). Any other channel queues its
 * pulses for MsgReceivePulse.
 *
 * Ids are handed out in order (channels 1, 2, ...; connections 0x100 + n, or
 * _NTO_SIDE_CHANNEL | n when asked for a side channel), so they are the same every run.
 */
#include "core_int.h"

#include <errno.h>
#include <string.h>

struct model_channel {
	int chid;
	struct model_worker *worker;  /* a worker's channel, or NULL */
	struct _pulse *q;             /* ring of pending pulses */
	int head, len, cap;
	sim_waitq rq;                 /* receivers (not watched: a server waits for work) */
};

struct model_conn {
	int coid;
	int chid;
};

static struct {
	struct model_channel **ch;   /* ch[chid - 1], NULL once destroyed */
	int nch, capch;
	struct model_conn *co;
	int nco, capco;
	int next_side, next_plain;
} C;

static void *grow(void *old, size_t elem, int n, int *cap)
{
	int ncap = *cap ? 2 * *cap : 16;
	char *p = sim_alloc(model_core.w, (size_t)ncap * elem);
	if (old)
		memcpy(p, old, (size_t)n * elem);
	sim_free(model_core.w, old, (size_t)*cap * elem);
	*cap = ncap;
	return p;
}

static struct model_channel *channel_by_id(int chid)
{
	return chid >= 1 && chid <= C.nch ? C.ch[chid - 1] : NULL;
}

static struct model_conn *conn_by_id(int coid)
{
	for (int i = 0; i < C.nco; i++)
		if (C.co[i].coid == coid && C.co[i].chid)
			return &C.co[i];
	return NULL;
}

static int channel_new(struct model_worker *wk)
{
	struct model_channel *ch = sim_alloc(model_core.w, sizeof(*ch));
	char name[48];
	if (C.nch == C.capch)
		C.ch = grow(C.ch, sizeof(*C.ch), C.nch, &C.capch);
	ch->chid = C.nch + 1;
	ch->worker = wk;
	snprintf(name, sizeof(name), "channel %d", ch->chid);
	sim_waitq_init(model_core.w, &ch->rq, name);
	sim_waitq_set_watched(&ch->rq, 0);
	C.ch[C.nch++] = ch;
	return ch->chid;
}

static int conn_new(int chid, int side)
{
	if (C.nco == C.capco)
		C.co = grow(C.co, sizeof(*C.co), C.nco, &C.capco);
	C.co[C.nco].chid = chid;
	C.co[C.nco].coid = side ? _NTO_SIDE_CHANNEL | ++C.next_side : 0x100 + ++C.next_plain;
	return C.co[C.nco++].coid;
}

int model_channel_create_worker(struct model_worker *wk)
{
	wk->chid = channel_new(wk);
	wk->coid = conn_new(wk->chid, 1);
	SIGEV_PULSE_INIT(&wk->event, wk->coid, SIGEV_PULSE_PRIO_INHERIT, MODEL_PULSE_WAKE, 0);
	return 0;
}

/* ---------------------------------------------------------------- pulses */

static void channel_push(struct model_channel *ch, int code, int value)
{
	struct _pulse *p;
	if (ch->len == ch->cap) {
		int ncap = ch->cap ? 2 * ch->cap : 8;
		struct _pulse *q = sim_alloc(model_core.w, (size_t)ncap * sizeof(*q));
		for (int i = 0; i < ch->len; i++)
			q[i] = ch->q[(ch->head + i) % ch->cap];
		sim_free(model_core.w, ch->q, (size_t)ch->cap * sizeof(*q));
		ch->q = q;
		ch->cap = ncap;
		ch->head = 0;
	}
	p = &ch->q[(ch->head + ch->len++) % ch->cap];
	memset(p, 0, sizeof(*p));
	p->type = _PULSE_TYPE;
	p->code = (int8_t)code;
	p->value.sival_int = value;
	sim_wake_one(model_core.w, &ch->rq);
}

/* A pulse to a worker: an entry's own event queues the entry; any pulse wakes it. */
static void worker_pulse(struct model_worker *wk, int code, int value)
{
	struct _iopkt_inter *ent;
	if (code == MODEL_PULSE_INTR && (ent = model_intr_by_id(value)) && !ent->on_list)
		model_intr_queue(ent, "event");
	model_worker_wake(wk);
}

/* Send a pulse; 0 or a negative errno. Any context, never blocks. */
static int pulse_send(int coid, int code, int value)
{
	struct model_conn *co = conn_by_id(coid);
	struct model_channel *ch = co ? channel_by_id(co->chid) : NULL;
	if (!co)
		return -EBADF;
	if (!ch)
		return -ESRCH;
	sim_emit(model_core.w, model_core.k.pulse, (int64_t)coid, (int64_t)ch->chid, (int64_t)code,
	         (int64_t)value);
	if (ch->worker)
		worker_pulse(ch->worker, code, value);
	else
		channel_push(ch, code, value);
	return 0;
}

void model_event_deliver(const struct sigevent *ev, const char *from)
{
	if (ev && ev->sigev_notify == SIGEV_PULSE)
		pulse_send(ev->sigev_coid, ev->sigev_code, (int)(intptr_t)ev->sigev_value.sival_ptr);
}

/* ------------------------------------------------------- the kernel calls */

static int ret_errno(int rc)
{
	if (rc >= 0)
		return rc;
	errno = -rc;
	return -1;
}

int ChannelCreate_r(unsigned flags) { return channel_new(NULL); }
int ChannelCreate(unsigned flags) { return ret_errno(ChannelCreate_r(flags)); }

int ChannelDestroy_r(int chid)
{
	struct model_channel *ch = channel_by_id(chid);
	if (!ch || ch->worker)
		return -EINVAL;
	C.ch[chid - 1] = NULL;
	sim_wake_all(model_core.w, &ch->rq); /* receivers return ESRCH */
	sim_waitq_destroy(model_core.w, &ch->rq);
	sim_free(model_core.w, ch->q, (size_t)ch->cap * sizeof(*ch->q));
	sim_free(model_core.w, ch, sizeof(*ch));
	return 0;
}
int ChannelDestroy(int chid) { return ret_errno(ChannelDestroy_r(chid)); }

int ConnectAttach_r(uint32_t nd, pid_t pid, int chid, unsigned index, int flags)
{
	if (!channel_by_id(chid))
		return -ESRCH;
	return conn_new(chid, (index & _NTO_SIDE_CHANNEL) != 0);
}
int ConnectAttach(uint32_t nd, pid_t pid, int chid, unsigned index, int flags)
{
	return ret_errno(ConnectAttach_r(nd, pid, chid, index, flags));
}

int ConnectDetach_r(int coid)
{
	struct model_conn *co = conn_by_id(coid);
	if (!co)
		return -EINVAL;
	co->chid = 0;
	return 0;
}
int ConnectDetach(int coid) { return ret_errno(ConnectDetach_r(coid)); }

int MsgSendPulse_r(int coid, int priority, int code, int value)
{
	return pulse_send(coid, code, value);
}
int MsgSendPulse(int coid, int priority, int code, int value)
{
	return ret_errno(MsgSendPulse_r(coid, priority, code, value));
}

/* Blocks (virtual time, not watched) until a pulse is queued on chid. */
int MsgReceivePulse_r(int chid, void *pulse, size_t bytes, struct _msg_info *info)
{
	struct model_channel *ch = channel_by_id(chid);
	struct _pulse p;
	if (!ch || ch->worker)
		return -ESRCH;
	if (model_check_can_block("MsgReceivePulse"))
		return -EPERM;
	sim_ns t0 = model_lat_mark();
	while (ch->len == 0) {
		sim_wait(model_core.w, &ch->rq, SIM_FOREVER);
		if (channel_by_id(chid) != ch)
			return -ESRCH;
	}
	model_lat_event("MsgReceivePulse", t0, MODEL_LAT_WAIT);
	p = ch->q[ch->head];
	ch->head = (ch->head + 1) % ch->cap;
	ch->len--;
	memcpy(pulse, &p, bytes < sizeof(p) ? bytes : sizeof(p));
	if (info)
		memset(info, 0, sizeof(*info));
	return 0;
}
int MsgReceivePulse(int chid, void *pulse, size_t bytes, struct _msg_info *info)
{
	return ret_errno(MsgReceivePulse_r(chid, pulse, bytes, info));
}

int ThreadCtl_r(int cmd, void *data) { return 0; }
int ThreadCtl(int cmd, void *data) { return 0; }

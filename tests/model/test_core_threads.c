/*
 * tests/model/test_core_threads.c — the core half of the io-pkt model, its threads:
 * interrupts from the IRQ line to enable_interrupt, workers, tracked threads and quiesce
 * (by pulse, by flag, and the deadlock of a callback that does nothing), the pthread shim,
 * what a driver leaves registered, and the same run giving the same trace.
 */
#include "core_fixture.h"

static struct callout co_a;

void tick_log(void *arg)
{
	note("%s", (const char *)arg);
}


/* ============================================================ interrupts */

#define NIC_IRQ 5

struct nic {
	struct _iopkt_inter inter;
	int iid;
	int rounds;          /* process_interrupt returns 0 this many times first */
	int processed, enabled;
};

static struct nic nic;

const struct sigevent *nic_isr(void *arg, int iid)
{
	struct nic *d = arg;
	note("isr self=%d wtp=%d", model_thread_self() != NULL, WTP != NULL);
	InterruptMask(NIC_IRQ, iid);
	return interrupt_queue(iopkt_selfp, &d->inter);
}

int nic_process(void *arg, struct nw_work_thread *wtp)
{
	struct nic *d = arg;
	struct model_thread *t = model_thread_self();
	note("process worker=%d stack=%d", model_thread_kind(t) == MT_WORKER, model_in_stack());
	d->processed++;
	return d->rounds-- > 0 ? 0 : 1;
}

int nic_enable(void *arg)
{
	struct nic *d = arg;
	note("enable");
	d->enabled++;
	InterruptUnmask(NIC_IRQ, d->iid);
	return 1;
}

int req_nic_attach(void *arg)
{
	nic.inter.func = nic_process;
	nic.inter.enable = nic_enable;
	nic.inter.arg = &nic;
	ck_assert_int_eq(interrupt_entry_init(&nic.inter, 0, NULL, IRUPT_PRIO_DEFAULT), EOK);
	nic.iid = InterruptAttach_r(NIC_IRQ, nic_isr, &nic, sizeof(nic), _NTO_INTR_FLAGS_TRK_MSK);
	ck_assert_int_gt(nic.iid, 0);
	return 0;
}

static void scn_irq(sim_world *w, void *arg)
{
	drv_request("attach", "attach", req_nic_attach, NULL);
	sim_sleep(w, SIM_MS);
	model_irq_raise(NIC_IRQ);
	sim_sleep(w, SIM_MS);
	note("masked=%d", model_irq_masked(NIC_IRQ));
}

START_TEST(test_interrupt_process_0_then_1_then_enable)
{
	nic.rounds = 1;
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_irq, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	/* 0 = not finished: requeued (a round costs 1 us), run again, then enable */
	ck_assert_str_eq(logbuf, "isr self=0 wtp=0@1000000 process worker=1 stack=0@1000000 "
	                         "process worker=1 stack=0@1001000 enable@1001000 masked=0@2000000 ");
	ck_no_breach();
}
END_TEST

static void scn_masked(sim_world *w, void *arg)
{
	drv_request("attach", "attach", req_nic_attach, NULL);
	InterruptMask(NIC_IRQ, nic.iid);
	sim_sleep(w, SIM_MS);
	model_irq_raise(NIC_IRQ); /* held: the line is masked */
	model_irq_raise(NIC_IRQ);
	sim_sleep(w, SIM_MS);
	note("unmask");
	InterruptUnmask(NIC_IRQ, nic.iid);
	sim_sleep(w, SIM_MS);
}

START_TEST(test_masked_interrupt_held_until_unmask)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_masked, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "unmask@2000000 isr self=0 wtp=0@2000000 "
	                         "process worker=1 stack=0@2000000 enable@2000000 ");
	ck_assert_int_eq(nic.processed, 1);
	ck_no_breach();
}
END_TEST

/* A driver without an RX interrupt: its thread queues the entry and must deliver the
 * event itself (MsgSendPulse); a second queue while queued is spurious. */
static void scn_rx_thread(sim_world *w, void *arg)
{
	const struct sigevent *ev, *again;
	drv_request("attach", "attach", req_nic_attach, NULL);
	sim_sleep(w, SIM_MS);
	ev = interrupt_queue(iopkt_selfp, &nic.inter);
	again = interrupt_queue(iopkt_selfp, &nic.inter);
	note("ev=%d again=%d spurious=%d", ev != NULL, again != NULL, nic.inter.spurrious);
	sim_sleep(w, SIM_MS); /* not delivered yet: the worker sleeps on */
	note("processed=%d", nic.processed);
	MsgSendPulse(ev->sigev_coid, ev->sigev_priority, ev->sigev_code,
	             (int)(intptr_t)ev->sigev_value.sival_ptr);
	sim_sleep(w, SIM_MS);
}

START_TEST(test_interrupt_queue_from_thread_needs_pulse)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_rx_thread, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "ev=1 again=0 spurious=1@1000000 processed=0@2000000 "
	                         "process worker=1 stack=0@2000000 enable@2000000 ");
	ck_no_breach();
}
END_TEST

/* InterruptAttachEvent with the entry's own event: the kernel masks the line and the
 * event queues the entry. */
struct sigevent *nic_evp;

int req_nic_attach_event(void *arg)
{
	nic.inter.func = nic_process;
	nic.inter.enable = nic_enable;
	nic.inter.arg = &nic;
	ck_assert_int_eq(interrupt_entry_init(&nic.inter, 0, &nic_evp, IRUPT_PRIO_DEFAULT), EOK);
	nic.iid = InterruptAttachEvent_r(NIC_IRQ, nic_evp, _NTO_INTR_FLAGS_TRK_MSK);
	return 0;
}

static void scn_attach_event(sim_world *w, void *arg)
{
	drv_request("attach", "attach", req_nic_attach_event, NULL);
	sim_sleep(w, SIM_MS);
	model_irq_raise(NIC_IRQ);
	sim_sleep(w, SIM_MS);
	note("masked=%d", model_irq_masked(NIC_IRQ));
}

START_TEST(test_interrupt_attach_event)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_attach_event, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "process worker=1 stack=0@1000000 enable@1000000 masked=0@2000000 ");
	ck_no_breach();
}
END_TEST

/* The system timer's line is raised every ms while something is attached to it. */
static int systicks;

const struct sigevent *systick_isr(void *arg, int iid)
{
	systicks++;
	return NULL;
}

static int systick_iid;

int req_attach_systick(void *arg)
{
	systick_iid = InterruptAttach(SYSPAGE_ENTRY(qtime)->intr, systick_isr, NULL, 0, 0);
	return systick_iid > 0 ? 0 : -1;
}

static void scn_systick(sim_world *w, void *arg)
{
	drv_request("attach", "attach", req_attach_systick, NULL);
	sim_sleep(w, 10 * SIM_MS + SIM_US);
	note("ticks=%d", systicks);
	InterruptDetach(systick_iid);
	sim_sleep(w, 10 * SIM_MS);
	note("ticks=%d", systicks);
}

START_TEST(test_system_timer_interrupt)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_systick, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "ticks=10@10001000 ticks=10@20001000 ");
}
END_TEST

/* ============================================================ tracked threads, quiesce */

/* Quiesce by pulse: the seeds' resource-manager pattern. */
struct pdev {
	int chid, coid;
	pthread_t tid;
};

static struct pdev pdev;

void pulse_quiesce(void *arg, int die)
{
	struct pdev *d = arg;
	MsgSendPulse(d->coid, SIGEV_PULSE_PRIO_INHERIT, 7, die);
}

int pulse_thread_init(void *arg)
{
	struct pdev *d = arg;
	struct nw_work_thread *wtp = WTP;
	pthread_setname_np(0, "sam workthread");
	d->chid = ChannelCreate(0);
	d->coid = ConnectAttach(ND_LOCAL_NODE, 0, d->chid, _NTO_SIDE_CHANNEL, 0);
	wtp->quiesce_callout = pulse_quiesce;
	wtp->quiesce_arg = d;
	return EOK;
}

void *pulse_thread(void *arg)
{
	struct pdev *d = arg;
	struct _pulse p;
	for (;;) {
		if (MsgReceivePulse(d->chid, &p, sizeof(p), NULL) != 0 || p.code != 7)
			continue;
		note("quiesce_block(%d)", p.value.sival_int);
		quiesce_block(p.value.sival_int);
		note("resumed");
	}
	return NULL;
}

int req_create_pulse_thread(void *arg)
{
	return nw_pthread_create(&pdev.tid, NULL, pulse_thread, &pdev, 0, pulse_thread_init, &pdev);
}

int req_quiesce(void *arg)
{
	quiesce_all();
	quiesce_all(); /* nests */
	note("quiet");
	unquiesce_all();
	unquiesce_all();
	note("unquiesced");
	return 0;
}

int req_reap(void *arg)
{
	pthread_t *tid = arg;
	int rc = nw_pthread_reap(*tid);
	note("reaped=%d", rc);
	note("again=%d", nw_pthread_reap(*tid));
	return rc;
}

static void scn_pulse_thread(sim_world *w, void *arg)
{
	char name[64];
	note("create=%d", drv_request("attach", "attach", req_create_pulse_thread, NULL));
	pthread_getname_np(pdev.tid, name, sizeof(name));
	note("name=%s", name);
	sim_sleep(w, SIM_MS);
	drv_request("quiesce", "ioctl", req_quiesce, NULL);
	sim_sleep(w, SIM_MS);
	drv_request("detach", "detach", req_reap, &pdev.tid);
}

START_TEST(test_tracked_thread_quiesce_by_pulse)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_pulse_thread, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "create=0@0 name=sam workthread@0 quiesce_block(0)@1000000 "
	                         "quiet@1000000 unquiesced@1000000 resumed@1000000 "
	                         "quiesce_block(1)@2000000 reaped=0@2000000 again=3@2000000 ");
	ck_assert_int_eq(ESRCH, 3);
	ck_no_breach();
}
END_TEST

/* Quiesce by flag: the seeds' polling pattern. */
static volatile int fq_quiescing, fq_die;
static pthread_t fq_tid;

void flag_quiesce(void *arg, int die)
{
	fq_die = die;
	fq_quiescing = 1;
}

int flag_thread_init(void *arg)
{
	pthread_setname_np(0, "poller");
	WTP->quiesce_callout = flag_quiesce;
	WTP->quiesce_arg = NULL;
	return EOK;
}

void *flag_thread(void *arg)
{
	for (;;) {
		if (fq_quiescing) {
			fq_quiescing = 0;
			note("poller quiesce_block(%d)", fq_die);
			quiesce_block(fq_die);
		}
		usleep(300);
	}
}

int req_create_flag_thread(void *arg)
{
	return nw_pthread_create(&fq_tid, NULL, flag_thread, NULL, 0, flag_thread_init, NULL);
}

static void scn_flag_thread(sim_world *w, void *arg)
{
	drv_request("attach", "attach", req_create_flag_thread, NULL);
	sim_sleep(w, SIM_MS);
	drv_request("quiesce", "ioctl", req_quiesce, NULL);
	sim_sleep(w, SIM_MS);
	drv_request("detach", "detach", req_reap, &fq_tid);
}

START_TEST(test_tracked_thread_quiesce_by_flag)
{
	/* the poller looks every 300 us: quiesce_all (at 1 ms) waits for it until 1.2 ms; the
	 * reap (at 2.2 ms) until 2.4 ms */
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_flag_thread, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "poller quiesce_block(0)@1200000 quiet@1200000 unquiesced@1200000 "
	                         "poller quiesce_block(1)@2400000 reaped=0@2400000 again=3@2400000 ");
	ck_no_breach();
}
END_TEST

/* A quiesce callback that does nothing: quiesce_all waits forever, holding the stack. */
void lazy_quiesce(void *arg, int die) {}

int lazy_thread_init(void *arg)
{
	pthread_setname_np(0, "bad thread");
	WTP->quiesce_callout = lazy_quiesce;
	return EOK;
}

void *lazy_thread(void *arg)
{
	for (;;)
		usleep(1000);
}

int req_create_lazy(void *arg)
{
	pthread_t tid;
	return nw_pthread_create(&tid, NULL, lazy_thread, NULL, 0, lazy_thread_init, NULL);
}

static void scn_lazy(sim_world *w, void *arg)
{
	drv_request("attach", "attach", req_create_lazy, NULL);
	sim_sleep(w, SIM_MS);
	drv_request("quiesce", "ioctl", req_quiesce, NULL);
	note("never");
}

START_TEST(test_quiesce_callback_doing_nothing_stalls)
{
	const char *msg;
	setup_iopkt(1, 0, 50 * SIM_MS);
	spawn("scenario", scn_lazy, NULL);
	ck_assert_int_eq(run(), SIM_END_STALL);
	msg = sim_world_end_message(W);
	ck_assert_msg(strstr(msg, "waits on \"quiesce of thread") && strstr(msg, "\"bad thread\""),
	              "%s", msg);
	ck_assert_msg(strstr(msg, "has waited on \"stack context\""), "%s", msg);
	ck_assert_str_eq(logbuf, "");
	ck_no_breach();
}
END_TEST

/* io-pkt 6.6: an init_fn that sets no quiesce callback: creation fails with EINVAL, the
 * thread is gone, and the refusal is explained. */
int no_cb_init(void *arg) { return EOK; }
void *never_runs(void *arg)
{
	note("ran");
	return NULL;
}

int req_create_no_cb(void *arg)
{
	pthread_t tid = 0;
	note("no_cb=%d", nw_pthread_create(&tid, NULL, never_runs, NULL, 0, no_cb_init, NULL));
	note("no_init=%d", nw_pthread_create(&tid, NULL, never_runs, NULL, 0, NULL, NULL));
	return 0;
}

static void scn_no_cb(sim_world *w, void *arg)
{
	drv_request("attach", "attach", req_create_no_cb, NULL);
	sim_sleep(w, SIM_MS);
}

START_TEST(test_tracked_thread_without_quiesce_callback_refused)
{
	fx_version = 66;
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_no_cb, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "no_cb=22@0 no_init=22@0 ");
	ck_assert_msg(strstr(model_thread_refusal(), "init function no_cb_init set no quiesce "
	                     "callback (io-pkt 6.6)"), "%s", model_thread_refusal());
	ck_assert_str_eq(model_thread_refusal(), "");
	ck_no_breach();
}
END_TEST

/* The seeds' io-pkt accepts such a thread; the next quiesce_all waits for it for ever,
 * and the quiesce watchdog names it, with what the stack has left unserved. */
void *no_cb_loop(void *arg)
{
	for (;;)
		usleep(1000);
}

int req_create_no_cb_loop(void *arg)
{
	pthread_t tid = 0;
	note("create=%d", nw_pthread_create(&tid, NULL, no_cb_loop, NULL, 0, no_cb_init, NULL));
	return 0;
}

static void scn_no_cb_deadlock(sim_world *w, void *arg)
{
	drv_request("attach", "attach", req_create_no_cb_loop, NULL);
	sim_sleep(w, SIM_MS);
	drv_request("quiesce", "ioctl", req_quiesce, NULL);
	note("never");
}

static void scn_second_request(sim_world *w, void *arg)
{
	sim_sleep(w, 5 * SIM_MS);
	drv_request("late", "ioctl", req_quiesce, NULL);
}

START_TEST(test_no_quiesce_callback_accepted_then_quiesce_deadlock)
{
	const char *msg;
	fx_quiesce_limit = 20 * SIM_MS;
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_no_cb_deadlock, NULL);
	spawn("late", scn_second_request, NULL);
	run();
	ck_assert_str_eq(logbuf, "create=0@0 ");
	ck_assert_str_eq(model_breach_last_rule(), "quiesce-deadlock");
	msg = model_breach_last();
	ck_assert_msg(strstr(msg, "stuck in quiesce_all (called in req_quiesce (ioctl), thread "
	                     "\"pseudo:quiesce\") since t=1.000ms (20.000ms"), "%s", msg);
	ck_assert_msg(strstr(msg, "has no quiesce callback registered (its init function "
	                     "no_cb_init set none)"), "%s", msg);
	ck_assert_msg(strstr(msg, "1 request queued (the oldest, \"late\", since t=5.000ms)"),
	              "%s", msg);
	ck_assert_msg(strstr(msg, "t=21.000ms"), "%s", msg);
}
END_TEST

/* A thread blocked elsewhere: on a mutex the quiescing request holds. */
static pthread_mutex_t held_mtx = PTHREAD_MUTEX_INITIALIZER;
static volatile int held_flag;

void held_quiesce(void *arg, int die) { held_flag = 1; }

int held_thread_init(void *arg)
{
	pthread_setname_np(0, "mutex thread");
	WTP->quiesce_callout = held_quiesce;
	return EOK;
}

void *held_thread(void *arg)
{
	for (;;) {
		pthread_mutex_lock(&held_mtx);
		pthread_mutex_unlock(&held_mtx);
		if (held_flag)
			quiesce_block(0);
		usleep(100);
	}
}

int req_create_held(void *arg)
{
	pthread_t tid;
	return nw_pthread_create(&tid, NULL, held_thread, NULL, 0, held_thread_init, NULL);
}

int req_lock_and_quiesce(void *arg)
{
	pthread_mutex_lock(&held_mtx);
	usleep(50); /* the thread comes round and blocks on the mutex */
	quiesce_all();
	return 0;
}

static void scn_held(sim_world *w, void *arg)
{
	drv_request("attach", "attach", req_create_held, NULL);
	sim_sleep(w, SIM_MS);
	drv_request("lock", "ioctl", req_lock_and_quiesce, NULL);
}

START_TEST(test_quiesce_deadlock_thread_blocked_elsewhere)
{
	const char *msg;
	fx_quiesce_limit = 10 * SIM_MS;
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_held, NULL);
	run();
	ck_assert_str_eq(model_breach_last_rule(), "quiesce-deadlock");
	msg = model_breach_last();
	ck_assert_msg(strstr(msg, "\"mutex thread\" is blocked elsewhere: it waits on"), "%s", msg);
	ck_assert_msg(strstr(msg, "held by pseudo:lock"), "%s", msg);
}
END_TEST

/* quiesce_block called by a tracked thread that io-pkt did not ask is a breach; one it
 * asked (the quiesce tests above) is not. */
int unasked_init(void *arg)
{
	WTP->quiesce_callout = lazy_quiesce;
	return EOK;
}

void *unasked_thread(void *arg)
{
	usleep(100);
	quiesce_block(1);
	return NULL;
}

int req_create_unasked(void *arg)
{
	pthread_t tid;
	return nw_pthread_create(&tid, NULL, unasked_thread, NULL, 0, unasked_init, NULL);
}

static void scn_unasked(sim_world *w, void *arg)
{
	drv_request("attach", "attach", req_create_unasked, NULL);
	sim_sleep(w, SIM_MS);
}

START_TEST(test_quiesce_block_unasked)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_unasked, NULL);
	run();
	ck_assert_str_eq(model_breach_last_rule(), "quiesce_block-unasked");
	ck_assert_msg(strstr(model_breach_last(), "called quiesce_block(1) without its quiesce "
	                     "callback having asked it to"), "%s", model_breach_last());
}
END_TEST

/* quiesce_all also stops the other workers: with 2 CPUs, worker 1 is busy in a
 * process_interrupt until 3 ms, so the quiesce (at 1 ms) waits for it until then. */
static struct _iopkt_inter idle_ent, busy_ent;

int busy_process(void *arg, struct nw_work_thread *wtp)
{
	note("busy on %s", model_thread_name(model_thread_self()));
	delay(3);
	note("busy done");
	return 1;
}

int plain_enable(void *arg) { return 1; }

int req_two_entries(void *arg)
{
	idle_ent.func = busy_process;        /* registered first: worker 0 */
	idle_ent.enable = plain_enable;
	busy_ent.func = busy_process;        /* then worker 1 */
	busy_ent.enable = plain_enable;
	ck_assert_int_eq(interrupt_entry_init(&idle_ent, 0, NULL, IRUPT_PRIO_DEFAULT), EOK);
	ck_assert_int_eq(interrupt_entry_init(&busy_ent, 0, NULL, IRUPT_PRIO_DEFAULT), EOK);
	return 0;
}

static void scn_two_workers(sim_world *w, void *arg)
{
	const struct sigevent *ev;
	drv_request("attach", "attach", req_two_entries, NULL);
	ev = interrupt_queue(iopkt_selfp, &busy_ent);
	MsgSendPulse(ev->sigev_coid, ev->sigev_priority, ev->sigev_code, 0);
	sim_sleep(w, SIM_MS);
	drv_request("quiesce", "ioctl", req_quiesce, NULL);
	note("done");
}

START_TEST(test_quiesce_stops_other_workers)
{
	setup_iopkt(2, 0, 0);
	spawn("scenario", scn_two_workers, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "busy on io-pkt#0x01@0 busy done@3000000 quiet@3000000 "
	                         "unquiesced@3000000 done@3000000 ");
	ck_no_breach();
}
END_TEST

/* interrupt_entry_init and _remove: stack only (EPERM), remove once (EINVAL after). */
int req_remove_twice(void *arg)
{
	note("remove=%d", interrupt_entry_remove(&nic.inter, NULL));
	note("again=%d", interrupt_entry_remove(&nic.inter, NULL));
	return 0;
}

static void scn_remove(sim_world *w, void *arg)
{
	struct _iopkt_inter outside = { .func = busy_process };
	note("init_outside=%d", interrupt_entry_init(&outside, 0, NULL, 0));
	drv_request("attach", "attach", req_nic_attach, NULL);
	note("remove_outside=%d", interrupt_entry_remove(&nic.inter, NULL));
	drv_request("detach", "detach", req_remove_twice, NULL);
}

START_TEST(test_interrupt_entry_init_and_remove)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_remove, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "init_outside=1@0 remove_outside=1@0 remove=0@0 again=22@0 ");
	ck_no_breach();
}
END_TEST

/* The same scenario twice, each in a process of its own: the same trace digest. */
static void scn_everything(sim_world *w, void *arg)
{
	scn_pulse_thread(w, arg);
	scn_irq(w, arg);
	arm_in_stack(&co_a, 10, tick_log, "tick");
	sim_sleep(w, 20 * SIM_MS);
}

static uint64_t digest_of_a_run(void)
{
	int fds[2];
	uint64_t d = 0;
	pid_t pid;
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setup_iopkt(2, 0, 0);
		spawn("scenario", scn_everything, NULL);
		d = run() == SIM_END_DONE ? sim_world_digest(W) : 0;
		if (write(fds[1], &d, sizeof(d)) != sizeof(d))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &d, sizeof(d)), sizeof(d));
	close(fds[0]);
	waitpid(pid, NULL, 0);
	return d;
}

START_TEST(test_same_run_same_trace)
{
	uint64_t a = digest_of_a_run(), b = digest_of_a_run();
	ck_assert_uint_ne(a, 0);
	ck_assert_uint_eq(a, b);
}
END_TEST

/* ============================================================ the pthread shim */

static pthread_mutex_t shim_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t shim_cond = PTHREAD_COND_INITIALIZER;
static int shim_flag;

void *mutex_holder(void *arg)
{
	pthread_mutex_lock(&shim_mutex);
	note("held");
	usleep(2000);
	shim_flag = 1;
	pthread_cond_signal(&shim_cond);
	pthread_mutex_unlock(&shim_mutex);
	return (void *)7;
}

void *mutex_waiter(void *arg)
{
	struct timespec ts;
	usleep(1000);
	pthread_mutex_lock(&shim_mutex); /* waits 1 ms for the holder */
	note("got");
	while (!shim_flag)
		pthread_cond_wait(&shim_cond, &shim_mutex);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 500000;
	note("timedwait=%d", pthread_cond_timedwait(&shim_cond, &shim_mutex, &ts));
	note("relock=%d", pthread_mutex_lock(&shim_mutex));
	pthread_mutex_unlock(&shim_mutex);
	return NULL;
}

static void scn_shim(sim_world *w, void *arg)
{
	pthread_t a, b;
	void *ret = NULL;
	pthread_create(&a, NULL, mutex_holder, NULL);
	pthread_create(&b, NULL, mutex_waiter, NULL);
	pthread_join(a, &ret);
	note("ret=%ld", (long)(intptr_t)ret);
	pthread_join(b, NULL);
}

START_TEST(test_pthread_shim_in_virtual_time)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_shim, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	/* the condvar uses CLOCK_REALTIME by default: a MONOTONIC deadline is long past */
	ck_assert_str_eq(logbuf, "held@0 got@2000000 ret=7@2000000 timedwait=110@2000000 "
	                         "relock=35@2000000 ");
	ck_assert_int_eq(ETIMEDOUT, 110);
	ck_assert_int_eq(EDEADLK, 35);
	ck_no_breach();
}
END_TEST

/* ============================================================ leftovers */

static void scn_leftovers(sim_world *w, void *arg)
{
	char buf[512] = "";
	extern char __executable_start[], etext[];
	drv_request("attach", "attach", req_nic_attach, NULL);
	arm_in_stack(&co_a, 10, tick_log, "tick");
	note("n=%d", model_core_leftovers(__executable_start, etext, buf, sizeof(buf)));
	note("%s", buf);
	callout_stop(&co_a);
}

START_TEST(test_core_leftovers_of_a_dll)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_leftovers, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "n=3@0 callout 1 (tick_log) still pending; interrupt "
	                         "entry 1 (nic_process) still registered; nic_isr still attached to "
	                         "IRQ 5@0 ");
}
END_TEST

/* ============================================================ suite */

static Suite *core_suite(void)
{
	Suite *s = suite_create("model core: threads");
	TCase *tc;

	tc = tcase_create("interrupts");
	tcase_add_test(tc, test_interrupt_process_0_then_1_then_enable);
	tcase_add_test(tc, test_masked_interrupt_held_until_unmask);
	tcase_add_test(tc, test_interrupt_queue_from_thread_needs_pulse);
	tcase_add_test(tc, test_interrupt_attach_event);
	tcase_add_test(tc, test_system_timer_interrupt);
	tcase_add_test(tc, test_interrupt_entry_init_and_remove);
	suite_add_tcase(s, tc);
	tc = tcase_create("threads");
	tcase_add_test(tc, test_tracked_thread_quiesce_by_pulse);
	tcase_add_test(tc, test_tracked_thread_quiesce_by_flag);
	tcase_add_test(tc, test_quiesce_callback_doing_nothing_stalls);
	tcase_add_test(tc, test_tracked_thread_without_quiesce_callback_refused);
	tcase_add_test(tc, test_no_quiesce_callback_accepted_then_quiesce_deadlock);
	tcase_add_test(tc, test_quiesce_deadlock_thread_blocked_elsewhere);
	tcase_add_test(tc, test_quiesce_block_unasked);
	tcase_add_test(tc, test_quiesce_stops_other_workers);
	tcase_add_test(tc, test_same_run_same_trace);
	tcase_add_test(tc, test_pthread_shim_in_virtual_time);
	tcase_add_test(tc, test_core_leftovers_of_a_dll);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(core_suite());
}

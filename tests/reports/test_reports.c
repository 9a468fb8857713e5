/*
 * tests/reports/test_reports.c — reports/ on inputs made here: a synthetic trace written
 * with the trace writer (which record kinds become spans, instants, counters, failures,
 * and what a trace that ends inside a driver call says), JSON and XML escaping, TAP lines,
 * lcov tracefile parsing and the latency timeline's columns.
 */
#define _GNU_SOURCE
#include "reports.h"
#include "../sim/trace_fixture.h" /* tmp_path, emit */

/* The text f was written with (f from open_memstream, closed here). */
static char *mem_text(FILE *f, char **buf)
{
	fclose(f);
	return *buf;
}

/* ---------------------------------------------------------- a synthetic trace */

enum { K_THREAD, K_ACQ, K_REL, K_CALL, K_RET, K_IRQ, K_ALLOC, K_FREE, K_IFQ, K_FAIL,
       K_OTHER, K_SPEND, K_HOLD, K_FRAMES, K_BRIDGE, K_BFRAME, NKINDS };

/* name and signature of each kind, as sim/ and model/ register them */
static const char *const kinds[NKINDS][2] = {
	{ "thread_create", "isi" }, { "stack_acquire", "iss" }, { "stack_release", "is" },
	{ "drv_call", "ss" }, { "drv_return", "ss" }, { "irq_raise", "ii" },
	{ "mbuf_alloc", "iiss" }, { "mbuf_free", "iss" }, { "ifq", "ssii" },
	{ "expect_fail", "s" }, { "no_rule_for_this", "i" }, { "spend", "ii" },
	{ "hold", "sssiiiis" }, { "frames", "iiiiii" }, { "bridge", "sssi" },
	{ "bridge_frame", "ssssi" },
};

/* Thread 1 "worker" on CPU 0 takes the stack at 100, calls drv_start (if_start) which
 * calls drv_inner at 150-180 (a hold of 20 ns held, 30 elapsed: docs/latency.md), returns
 * at 200, releases at 250; an interrupt at 300; two
 * mbufs allocated and one freed, then a batch-mode stack pass of 5 allocs and 3 frees; a
 * bridge member added, a frame forwarded and one dropped by the bridge; the queue of en0
 * at 3, then a drop from it; a failed
 * expectation at 400; then
 * (unless closed) drv_hang is entered at 500 and the trace ends there. */
static void trace_write(const char *path, int close_it)
{
	struct sim_trace_header h;
	char err[256];
	sim_trace *t;
	memset(&h, 0, sizeof(h));
	snprintf(h.pktsim_version, sizeof(h.pktsim_version), "0.1.0");
	snprintf(h.scenario_path, sizeof(h.scenario_path), "s.lua");
	h.seed = 5;
	t = sim_trace_writer_open(path, &h, err, sizeof(err));
	ck_assert_msg(t != NULL, "%s", err);
	for (int k = 0; k < NKINDS; k++)
		sim_trace_writer_kind(t, (uint16_t)k, kinds[k][0], kinds[k][1]);
	emit(t, 0, 0, SIM_CPU_NONE, K_THREAD, "isi", (int64_t)1, "worker", (int64_t)0);
	emit(t, 100, 1, 0, K_ACQ, "iss", (int64_t)1, "worker", "proc0");
	emit(t, 120, 1, 0, K_CALL, "ss", "if_start", "drv_start");
	emit(t, 150, 1, 0, K_CALL, "ss", "callout", "drv_inner");
	emit(t, 160, 1, 0, K_SPEND, "ii", (int64_t)160, (int64_t)15);
	emit(t, 180, 1, 0, K_HOLD, "sssiiiis", "callout", "drv_inner", "stack", (int64_t)1,
	     (int64_t)150, (int64_t)20, (int64_t)30, "in32 STATUS x1 = 20ns in drv_inner");
	emit(t, 180, 1, 0, K_RET, "ss", "callout", "drv_inner");
	emit(t, 200, 1, 0, K_RET, "ss", "if_start", "drv_start");
	emit(t, 250, 1, 0, K_REL, "is", (int64_t)1, "worker");
	emit(t, 300, 0, SIM_CPU_NONE, K_IRQ, "ii", (int64_t)9, (int64_t)0);
	emit(t, 310, 1, 0, K_ALLOC, "iiss", (int64_t)1, (int64_t)1, "drv", "here");
	emit(t, 320, 1, 0, K_ALLOC, "iiss", (int64_t)2, (int64_t)0, "drv", "here");
	emit(t, 330, 1, 0, K_FREE, "iss", (int64_t)1, "drv", "there");
	/* a stack pass of frame_records = "batch": 5 allocs, 3 frees (live 1 -> 3) */
	emit(t, 335, 1, 0, K_FRAMES, "iiiiii", (int64_t)5, (int64_t)3, (int64_t)4, (int64_t)4,
	     (int64_t)0, (int64_t)0);
	emit(t, 336, 1, 0, K_BRIDGE, "sssi", "bridge0", "add", "en0", (int64_t)0);
	emit(t, 337, 1, 0, K_BFRAME, "ssssi", "bridge0", "en0", "en1", "forwarded", (int64_t)64);
	emit(t, 338, 1, 0, K_BFRAME, "ssssi", "bridge0", "en0", "en1", "dropped", (int64_t)64);
	emit(t, 340, 1, 0, K_IFQ, "ssii", "enqueue", "en0", (int64_t)1, (int64_t)3);
	emit(t, 345, 1, 0, K_IFQ, "ssii", "drop", "en0", (int64_t)1, (int64_t)3);
	emit(t, 350, 1, 0, K_OTHER, "i", (int64_t)42);
	emit(t, 400, 1, 0, K_FAIL, "s", "s.lua:3: t=400ns: expectation failed: x");
	if (close_it) {
		ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof(err)), 0);
		return;
	}
	emit(t, 500, 1, 0, K_CALL, "ss", "isr", "drv_hang");
	/* no close: the file ends without a footer, as a crashed run's does (the writer's
	 * memory is left to the test process's end) */
}

static const struct report_span *span_named(const struct report_timeline *tl, const char *name)
{
	for (size_t i = 0; i < tl->nspans; i++)
		if (!strcmp(tl->spans[i].name, name))
			return &tl->spans[i];
	return NULL;
}

static const struct report_counter *counter_named(const struct report_timeline *tl,
                                                  const char *name)
{
	for (size_t i = 0; i < tl->ncounters; i++)
		if (!strcmp(tl->counters[i].name, name))
			return &tl->counters[i];
	return NULL;
}

/* s is a span of cat named name with detail, at depth, from t0 to t1, on the track of
 * thread "worker". */
static void ck_span_is(const struct report_timeline *tl, const struct report_span *s,
                       const char *cat, const char *name, const char *detail, int depth,
                       sim_ns t0, sim_ns t1)
{
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->cat, cat);
	ck_assert_str_eq(s->name, name);
	ck_assert_str_eq(s->detail, detail);
	ck_assert_int_eq(s->depth, depth);
	ck_assert_int_eq(s->t0, t0);
	ck_assert_int_eq(s->t1, t1);
	ck_assert_str_eq(tl->tracks[s->track].name, "worker");
}

START_TEST(test_timeline_rules)
{
	struct report_timeline tl;
	const struct report_span *s;
	const struct report_counter *c;
	char path[1024], err[256];
	tmp_path(path, sizeof(path), "rules.trace");
	trace_write(path, 1);
	ck_assert_int_eq(report_timeline_read(path, &tl, err, sizeof(err)), 0);
	ck_assert_int_eq(tl.complete, 1);
	ck_assert_uint_eq(tl.events, 21);
	/* the hold is named by the first driver function its holder called */
	s = span_named(&tl, "drv_start");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->cat, "stack");
	ck_assert_int_eq(tl.tracks[s->track].kind, RT_STACK);
	ck_assert_int_eq(s->t0, 100);
	ck_assert_int_eq(s->t1, 250);
	ck_assert_str_eq(s->detail, "worker|proc0");
	/* driver calls: spans on the thread's track, nested, entry point as detail */
	s = span_named(&tl, "drv_inner");
	ck_span_is(&tl, s, "driver", "drv_inner", "callout", 1, 150, 180);
	ck_assert_int_eq(tl.tracks[s->track].cpu, 0);
	/* the hold record: a span over the call, inside it, its costing events as detail */
	s = NULL;
	for (size_t i = 0; i < tl.nspans; i++)
		if (!strcmp(tl.spans[i].cat, "hold"))
			s = &tl.spans[i];
	ck_span_is(&tl, s, "hold", "drv_inner", "in32 STATUS x1 = 20ns in drv_inner", 2, 150, 180);
	/* computation on CPU 0, named by the thread */
	s = span_named(&tl, "worker");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->cat, "cpu");
	ck_assert_int_eq(tl.tracks[s->track].kind, RT_CPU);
	ck_assert_int_eq(s->t1 - s->t0, 15);
	/* instants: the interrupt (kernel track), the bridge's member added and its drop (not
	 * its forwarded frame), the queue's drop, the failure */
	ck_assert_uint_eq(tl.ninstants, 5);
	ck_assert_str_eq(tl.instants[0].cat, "irq");
	ck_assert_int_eq(tl.tracks[tl.instants[0].track].kind, RT_KERNEL);
	ck_assert_str_eq(tl.instants[1].cat, "bridge");
	ck_assert_str_eq(tl.instants[1].name, "add");
	ck_assert_str_eq(tl.instants[2].cat, "drop");
	ck_assert_str_eq(tl.instants[2].detail, "bridge0 en0 en1 dropped 64");
	ck_assert_str_eq(tl.instants[3].cat, "drop");
	ck_assert_str_eq(tl.instants[3].detail, "drop en0 1 3");
	ck_assert_str_eq(tl.instants[4].cat, "failure");
	/* counters: mbufs live from the per-mbuf records and from a batch pass's counts */
	c = counter_named(&tl, "mbufs live");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->n, 4);
	ck_assert_int_eq(c->pts[1].v, 2);
	ck_assert_int_eq(c->pts[2].v, 1);
	ck_assert_int_eq(c->pts[3].v, 3);
	c = counter_named(&tl, "queue en0");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->pts[0].v, 3);
	/* verdict and message */
	ck_assert_str_eq(report_timeline_verdict(&tl), "FAIL");
	ck_assert_str_eq(tl.failure, "s.lua:3: t=400ns: expectation failed: x\n");
	report_timeline_free(&tl);
}
END_TEST

START_TEST(test_timeline_cut)
{
	struct report_timeline tl;
	const struct report_span *s;
	char path[1024], err[256];
	tmp_path(path, sizeof(path), "cut.trace");
	trace_write(path, 0);
	ck_assert_int_eq(report_timeline_read(path, &tl, err, sizeof(err)), 0);
	ck_assert_int_eq(tl.complete, 0);
	ck_assert_str_eq(report_timeline_verdict(&tl), "INCOMPLETE");
	s = span_named(&tl, "drv_hang");
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->t1, 500); /* open at the end: ends with the trace */
	report_timeline_free(&tl);
	/* what was running when the trace ended: the innermost open call of each thread */
	sim_ns t_end;
	char running[256];
	ck_assert_int_eq(report_trace_running(path, running, sizeof(running), &t_end, err,
	                                      sizeof(err)), 0);
	ck_assert_str_eq(running, "drv_hang (isr) on thread \"worker\"");
	ck_assert_int_eq(t_end, 500);
	trace_write(path, 1);
	ck_assert_int_eq(report_trace_running(path, running, sizeof(running), &t_end, err,
	                                      sizeof(err)), 0);
	ck_assert_str_eq(running, "");
}
END_TEST

START_TEST(test_chrome_json)
{
	struct report_timeline tl;
	char path[1024], err[256], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *text;
	tmp_path(path, sizeof(path), "chrome.trace");
	trace_write(path, 1);
	ck_assert_int_eq(report_timeline_read(path, &tl, err, sizeof(err)), 0);
	ck_assert_int_eq(report_chrome_write(&tl, f), 0);
	text = mem_text(f, &buf);
	ck_assert_ptr_nonnull(strstr(text, "{\"ph\":\"X\",\"name\":\"drv_inner\",\"cat\":\"driver\","
	                                   "\"pid\":1,\"tid\":1,\"ts\":0.150,\"dur\":0.030,"));
	ck_assert_ptr_nonnull(strstr(text, "\"name\":\"drv_start\",\"cat\":\"stack\",\"pid\":0,"
	                                   "\"tid\":999999,\"ts\":0.100,\"dur\":0.150"));
	ck_assert_ptr_nonnull(strstr(text, "{\"ph\":\"C\",\"name\":\"mbufs live\",\"pid\":0,"
	                                   "\"ts\":0.320,\"args\":{\"value\":2}}"));
	ck_assert_ptr_nonnull(strstr(text, "\"verdict\":\"FAIL\""));
	free(buf);
	report_timeline_free(&tl);
}
END_TEST

/* ---------------------------------------------------------------- formats */

START_TEST(test_json_escapes)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_json_str(f, "a\"b\\c\nd\x01</script>");
	fputc(' ', f);
	report_json_us(f, 1250);
	fputc(' ', f);
	report_json_us(f, -5);
	ck_assert_str_eq(mem_text(f, &buf),
	                 "\"a\\\"b\\\\c\\nd\\u0001\\u003c/script>\" 1.250 -0.005");
	free(buf);
}
END_TEST

START_TEST(test_junit_escapes)
{
	struct report_case c[2] = {
		{ "ok.lua", "pktsim.ok.sam", RR_PASS, "", "", 0.5 },
		{ "a&b.lua", "pktsim.a.sam", RR_FAIL, "x < y \"q\" 'z'",
		  "FAIL a&b.lua\n    replay: pktsim replay t\x01.trace\n", 1.25 },
	};
	char path[1024], err[256], text[4096];
	FILE *f;
	size_t n;
	tmp_path(path, sizeof(path), "junit.xml");
	ck_assert_int_eq(report_junit_write(path, "pktsim", c, 2, err, sizeof(err)), 0);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "<testsuites tests=\"2\" failures=\"1\" errors=\"0\""));
	ck_assert_ptr_nonnull(strstr(text, "<testcase name=\"ok.lua\" classname=\"pktsim.ok.sam\" "
	                                   "time=\"0.500\"/>"));
	ck_assert_ptr_nonnull(strstr(text, "<failure type=\"fail\" message=\"x &lt; y &quot;q&quot; "
	                                   "&apos;z&apos;\">FAIL a&amp;b.lua\n    replay: pktsim "
	                                   "replay t.trace\n</failure>"));
	tmp_path(path, sizeof(path), "no/such/dir/junit.xml");
	ck_assert_int_lt(report_junit_write(path, "pktsim", c, 2, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "cannot write"));
}
END_TEST

START_TEST(test_tap_lines)
{
	struct report_case c = { "a#b.lua", "x", RR_CRASH, "m", "CRASH a\n    trace: t\n", 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_tap_plan(f, 3);
	report_tap_case(f, 2, &c);
	ck_assert_str_eq(mem_text(f, &buf), "TAP version 13\n1..3\nnot ok 2 - a_b.lua\n  ---\n"
	                 "  result: crash\n  message: |\n    CRASH a\n        trace: t\n  ...\n");
	free(buf);
}
END_TEST

START_TEST(test_lcov_parse)
{
	static const char info[] =
		"TN:\nSF:/src/x.c\nFN:3,f1\nFN:9,f2\nFNDA:4,f1\nFNDA:0,f2\nFNF:2\nFNH:1\n"
		"DA:3,4\nDA:4,4\nDA:9,0\nLF:3\nLH:2\nend_of_record\n"
		"SF:/src/y.c\nFN:1,g\nFNDA:1,g\nDA:1,1\nend_of_record\n";
	struct report_coverage cov;
	char path[1024], err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;
	tmp_path(path, sizeof(path), "lcov.info");
	f = fopen(path, "w");
	fputs(info, f);
	fclose(f);
	ck_assert_int_eq(report_coverage_read(path, &cov, err, sizeof(err)), 0);
	ck_assert_uint_eq(cov.nfiles, 2);
	ck_assert_uint_eq(cov.files[0].lines, 3);
	ck_assert_uint_eq(cov.files[0].lines_hit, 2);
	ck_assert_uint_eq(cov.files[0].fns, 2);
	ck_assert_uint_eq(cov.files[0].fns_hit, 1);
	ck_assert_uint_eq(cov.lines, 4);
	ck_assert_uint_eq(cov.fns_hit, 2);
	ck_assert_uint_eq(cov.nmissed, 1);
	ck_assert_str_eq(cov.fns_missed[0], "x.c:f2");
	f = open_memstream(&buf, &len);
	report_coverage_print(f, &cov);
	ck_assert_ptr_nonnull(strstr(mem_text(f, &buf), "/src/x.c                                 "
	                                                "lines  66.7% (2/3)  functions  50.0% (1/2)"));
	ck_assert_ptr_nonnull(strstr(buf, "functions never entered: x.c:f2\n"));
	free(buf);
	report_coverage_free(&cov);
	ck_assert_int_lt(report_coverage_read("/nonexistent/lcov.info", &cov, err, sizeof(err)), 0);
}
END_TEST

/* Count of non-overlapping occurrences of needle in hay. */
static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* The latency timeline: 790 pixels for 790 us, so a pixel is 1 us. Holds under a pixel
 * that start in one column are one bar (count, total, the longest); a lone short hold and
 * a hold of a pixel or more are rectangles of their own. */
START_TEST(test_latency_timeline_columns)
{
	static const struct model_lat_span spans[] = {
		{ "process_interrupt", 10000, 100, 1 },
		{ "process_interrupt", 10300, 200, 2 },
		{ "if_ioctl", 10400, 5000, 3 },
		{ "process_interrupt", 10900, 50, 4 },
		{ "process_interrupt", 20000, 100, 5 },
	};
	struct model_lat_report r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	memset(&r, 0, sizeof(r));
	r.spans = spans;
	r.nspans = sizeof(spans) / sizeof(spans[0]);
	r.end = 790000;
	ck_assert_int_eq(reports_latency_svg_timeline(f, &r, "t"), 0);
	mem_text(f, &buf);
	ck_assert_int_eq(count_of(buf, "<rect"), 3);
	/* the three short holds of column 10 (350 ns of its 1 us: 6 of 16 pixels high) */
	ck_assert_msg(strstr(buf, "<rect x=\"170.00\" y=\"48\" width=\"1.00\" height=\"6\" "
	                          "fill=\"#d0504a\"><title>process_interrupt: 3 holds, 350ns in "
	                          "all; the longest at 10.300us: held 200ns (trace record #2)"
	                          "</title></rect>"), "%s", buf);
	/* a hold of 5 pixels, on its row */
	ck_assert_msg(strstr(buf, "<rect x=\"170.40\" y=\"62\" width=\"5.00\" height=\"16\" "
	                          "fill=\"#d0504a\"><title>if_ioctl at 10.400us: held 5.000us "
	                          "(trace record #3)</title></rect>"), "%s", buf);
	/* a lone short hold: full height, its own figures */
	ck_assert_msg(strstr(buf, "<rect x=\"180.00\" y=\"38\" width=\"1.00\" height=\"16\" "
	                          "fill=\"#d0504a\"><title>process_interrupt at 20.000us: held "
	                          "100ns (trace record #5)</title></rect>"), "%s", buf);
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reports");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;
	tcase_add_test(tc, test_timeline_rules);
	tcase_add_test(tc, test_timeline_cut);
	tcase_add_test(tc, test_chrome_json);
	tcase_add_test(tc, test_json_escapes);
	tcase_add_test(tc, test_junit_escapes);
	tcase_add_test(tc, test_tap_lines);
	tcase_add_test(tc, test_lcov_parse);
	tcase_add_test(tc, test_latency_timeline_columns);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

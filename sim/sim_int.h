/*
 * sim/sim_int.h — internals of sim/ shared between its files. Not installed, not for
 * model/ or harness/ (they use sim.h).
 */
#ifndef PKTSIM_SIM_INT_H
#define PKTSIM_SIM_INT_H

#include "sim.h"

#include <stdarg.h>

/* ------------------------------------------------------- trace writer (trace_write.c) */

/*
 * Open a trace writer. path NULL: digest-only (records are encoded and hashed, nothing is
 * written). Otherwise the file is created/truncated and mapped MAP_SHARED so that every
 * record written is in the file even if the process is killed an instant later; the
 * header is written at once. On failure returns NULL with the reason in err.
 */
sim_trace *sim_trace_writer_open(const char *path, const struct sim_trace_header *h, char *err,
                                 size_t errlen);
/* Write a kind definition record (precedes the first event of that kind). */
void sim_trace_writer_kind(sim_trace *t, uint16_t kind, const char *name, const char *sig);
/* Encode, hash and write one event record; rec->seq must be the writer's next sequence. */
void sim_trace_writer_event(sim_trace *t, const struct sim_record *rec);
/*
 * Encode, hash and write one event, numbered with the writer's next sequence, straight
 * from the arguments in ap: one per letter of sig ('i' an int64_t, 's' a const char *,
 * NULL written as "", cut to SIM_TRACE_MAX_STR bytes), at most SIM_TRACE_MAX_ARGS. Gives
 * the same bytes as sim_trace_writer_event with the equivalent record, without building
 * it. A letter other than 'i' or 's' is a caller bug, remembered as -EINVAL (the event is
 * written with the arguments before the letter). ap is consumed (va_end is the caller's).
 */
void sim_trace_writer_emitv(sim_trace *t, sim_ns time, uint32_t thread, uint16_t cpu,
                            uint16_t kind, const char *sig, va_list ap);
uint64_t sim_trace_writer_digest(const sim_trace *t);
uint64_t sim_trace_writer_events(const sim_trace *t);
/* Write the footer (event count, digest), cut the file to its size, close and free t.
 * Returns 0 or a negative errno with the reason in err; t is freed either way. */
int sim_trace_writer_close(sim_trace *t, char *err, size_t errlen);

#endif

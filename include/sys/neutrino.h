/*
 * include/sys/neutrino.h — the QNX Neutrino kernel calls an io-pkt driver makes, as
 * pktsim models them: interrupts on simulated IRQ lines (an ISR runs in the kernel
 * context of the simulation, like an ISR in QNX runs outside any thread), channels and
 * connections carrying pulses, and the thread-control call that grants I/O privileges.
 *
 * Calls without the _r suffix return -1 and set errno on failure; the _r forms return a
 * negative errno. Nothing here blocks the process: MsgReceivePulse waits in virtual time.
 * Not modelled (not declared, so a driver using them does not build): messages
 * (MsgSend/MsgReceive/MsgReply), InterruptWait, timers, ClockCycles.
 */
#ifndef PKTSIM_SYS_NEUTRINO_H
#define PKTSIM_SYS_NEUTRINO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/siginfo.h>
#include <sys/types.h>

#define ND_LOCAL_NODE 0

/* ChannelCreate flags (accepted, not acted on). */
#define _NTO_CHF_FIXED_PRIORITY 0x0001u
#define _NTO_CHF_UNBLOCK 0x0002u
#define _NTO_CHF_THREAD_DEATH 0x0004u
#define _NTO_CHF_DISCONNECT 0x0008u
#define _NTO_CHF_NET_MSG 0x0010u
#define _NTO_CHF_COID_DISCONNECT 0x0040u
#define _NTO_CHF_PRIVATE 0x0100u

/* ConnectAttach: index flag asking for a connection id outside the file descriptors. */
#define _NTO_SIDE_CHANNEL 0x40000000

/* InterruptAttach flags. _NTO_INTR_FLAGS_TRK_MSK: the kernel tracks this attachment's
 * masks, so a detach undoes them. */
#define _NTO_INTR_FLAGS_END 0x01u
#define _NTO_INTR_FLAGS_PROCESS 0x04u
#define _NTO_INTR_FLAGS_TRK_MSK 0x08u
#define _NTO_INTR_FLAGS_NO_UNMASK 0x10u

/* ThreadCtl commands (accepted, succeed, change nothing). */
#define _NTO_TCTL_IO 14
#define _NTO_TCTL_IO_PRIV 25

#define _PULSE_CODE_MINAVAIL 0
#define _PULSE_CODE_MAXAVAIL 127
#define _PULSE_TYPE 0
#define _PULSE_SUBTYPE 0

struct _pulse {
	uint16_t type;
	uint16_t subtype;
	int8_t code;
	uint8_t zero[3];
	union sigval value;
	int32_t scoid;
};

struct _msg_info {
	uint32_t nd;
	uint32_t srcnd;
	pid_t pid;
	int32_t tid;
	int32_t chid;
	int32_t scoid;
	int32_t coid;
	int32_t msglen;
	int32_t srcmsglen;
	int32_t dstmsglen;
	int16_t priority;
	int16_t flags;
	uint32_t reserved;
};

/* The spin lock of InterruptLock: threads never run in parallel in pktsim and an ISR
 * never interrupts a thread mid-statement, so the lock only records who holds it. */
typedef struct intrspin {
	volatile unsigned value;
} intrspin_t;

/* ---------------------------------------------------------------- interrupts */

/*
 * Attach handler to IRQ line intr: when the line is raised (by the simulated hardware)
 * and not masked, handler(area, id) runs in the kernel context; a non-NULL event it
 * returns is delivered (SIGEV_PULSE: the pulse is sent). Returns the interrupt id (> 0).
 * Bad line: EINVAL.
 */
int InterruptAttach(int intr, const struct sigevent *(*handler)(void *area, int id),
                    const void *area, int size, unsigned flags);
int InterruptAttach_r(int intr, const struct sigevent *(*handler)(void *area, int id),
                      const void *area, int size, unsigned flags);
/* Attach an event: when the line is raised, the kernel masks it and delivers event. */
int InterruptAttachEvent(int intr, const struct sigevent *event, unsigned flags);
int InterruptAttachEvent_r(int intr, const struct sigevent *event, unsigned flags);
/* Detach; masks this attachment still holds (_NTO_INTR_FLAGS_TRK_MSK) are undone. */
int InterruptDetach(int id);
int InterruptDetach_r(int id);
/* Mask/unmask the line (counted). A raise while masked is held and delivered when the
 * count returns to 0. Return the new mask count, or -1 (EINVAL) for a bad line. Any
 * context, ISRs included. */
int InterruptMask(int intr, int id);
int InterruptUnmask(int intr, int id);
void InterruptLock(struct intrspin *spin);
void InterruptUnlock(struct intrspin *spin);
void InterruptDisable(void);
void InterruptEnable(void);

/* ----------------------------------------------------------- channels, pulses */

int ChannelCreate(unsigned flags);
int ChannelCreate_r(unsigned flags);
int ChannelDestroy(int chid);
int ChannelDestroy_r(int chid);
/* A connection to channel chid of this process (nd and pid are ignored). */
int ConnectAttach(uint32_t nd, pid_t pid, int chid, unsigned index, int flags);
int ConnectAttach_r(uint32_t nd, pid_t pid, int chid, unsigned index, int flags);
int ConnectDetach(int coid);
int ConnectDetach_r(int coid);
/* Send a pulse on coid; never blocks. Unknown connection: EBADF. */
int MsgSendPulse(int coid, int priority, int code, int value);
int MsgSendPulse_r(int coid, int priority, int code, int value);
/* Block (virtual time) until a pulse arrives on chid; returns 0 with *pulse filled. */
int MsgReceivePulse(int chid, void *pulse, size_t bytes, struct _msg_info *info);
int MsgReceivePulse_r(int chid, void *pulse, size_t bytes, struct _msg_info *info);

/* ------------------------------------------------------------------ threads */

int ThreadCtl(int cmd, void *data);
int ThreadCtl_r(int cmd, void *data);

#endif

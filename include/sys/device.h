/*
 * <sys/device.h> — io-pkt's autoconfiguration structures (NetBSD's): struct device, the
 * first member of every driver's device structure, and struct cfattach, which tells
 * dev_attach how big that structure is and which functions attach and detach it
 * (declare it with CFATTACH_DECL).
 *
 *   CFATTACH_DECL(sam, sizeof(struct sam_dev), NULL, sam_attach, sam_detach, NULL);
 *
 * declares struct cfattach sam_ca. attach is called once per device, by dev_attach, in
 * the stack context; detach by "ifconfig samN destroy" (dev_detach), wrapped in
 * quiesce_all unless the driver set DVF_QUIESCESELF in dv_flags.
 */
#ifndef _SYS_DEVICE_H_
#define _SYS_DEVICE_H_

#include <sys/types_bsd.h>

struct cfdata;   /* unused by io-pkt drivers; match functions receive NULL */

enum devclass { DV_DULL, DV_CPU, DV_DISK, DV_IFNET, DV_TAPE, DV_TTY };
enum devact { DVACT_ACTIVATE, DVACT_DEACTIVATE };

struct device {
	enum devclass dv_class;
	char dv_xname[16];            /* "sam0": the driver's name and unit */
	int dv_unit;                  /* the unit number */
	struct device *dv_parent;     /* NULL for most drivers */
	struct cfattach *dv_cfattach;
	int dv_flags;                 /* DVF_* */
	void *dv_dll_hdl;             /* QNX: set by the driver to its DLL handle; io-pkt
	                               * dlclose()s it when the device is detached. Clear it
	                               * to keep the DLL loaded (other devices remain). */
	void *dv_alloc;               /* io-pkt's */
	uint32_t dv_magic;            /* pktsim: checked on use; do not touch */
};

typedef struct device *device_t;

#define DVF_ACTIVE 0x0001         /* device is activated */
#define DVF_QUIESCESELF 0x8000    /* detach quiesces by itself: no quiesce_all around it */

struct cfattach {
	const char *ca_name;
	size_t ca_devsize;            /* size of the driver's device structure */
	int (*ca_match)(struct device *, struct cfdata *, void *);
	int (*ca_attach)(struct device *parent, struct device *self, void *aux);
	int (*ca_detach)(struct device *self, int flags);
	int (*ca_activate)(struct device *self, enum devact act);
};

#define CFATTACH_DECL(name, ddsize, matfn, attfn, detfn, actfn) \
	struct cfattach __CONCAT(name, _ca) = { \
		___STRING(name), (ddsize), (matfn), (attfn), (detfn), (actfn) \
	}

#define device_xname(dv) ((dv)->dv_xname)
#define device_unit(dv) ((dv)->dv_unit)
#define device_private(dv) ((void *)(dv))

#endif

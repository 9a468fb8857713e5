/*
 * model/model.c — the one io-pkt model of the process.
 */
#include "model_int.h"

#include <errno.h>
#include <string.h>

struct model {
	sim_world *w;
	struct model_config cfg;
};

static struct model the_model;
struct model *model_g;

void model_config_defaults(struct model_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->hz = 119; /* io-pkt's callout clock (iopkt-facts.md) */
	cfg->version = 0;
	cfg->quiesce_limit = 0;
	cfg->frame_records = 1;
}

sim_world *model_world(void)
{
	return model_g ? model_g->w : NULL;
}

int model_create(sim_world *w, const struct model_config *cfg, char *err, size_t errlen)
{
	int rc;
	if (model_g) {
		sim_errf(err, errlen, "io-pkt was already created in this run");
		return -EALREADY;
	}
	if (cfg->workers < 0 || cfg->workers > 64 || cfg->hz <= 0 ||
	    (cfg->version != 0 && cfg->version != 66) || cfg->quiesce_limit < 0) {
		sim_errf(err, errlen, "bad io-pkt configuration (workers 0..64, hz > 0, version "
		         "0 or 66, quiesce_limit >= 0)");
		return -EINVAL;
	}
	the_model.w = w;
	the_model.cfg = *cfg;
	model_g = &the_model;
	rc = model_core_create(w, cfg, err, errlen);
	if (rc == 0)
		rc = model_net_create(w, cfg, err, errlen);
	if (rc)
		model_g = NULL;
	return rc;
}

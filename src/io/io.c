/*
 * The table of io engines: the only place that names them.  An engine that
 * is not compiled in keeps a stub entry with the reason, so that asking for
 * it says "not built in" rather than "unknown".
 */
#include "io/io.h"
#include "util/join.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct io_engine_ops io_af_packet_ops;
#ifdef SALVO_HAVE_DPDK
extern const struct io_engine_ops io_dpdk_ops;
#endif
extern const struct io_engine_ops io_dryrun_ops;
#ifdef SALVO_HAVE_AF_XDP
extern const struct io_engine_ops io_af_xdp_ops;
#endif
#ifdef SALVO_HAVE_PFRING_ZC
extern const struct io_engine_ops io_pfring_zc_ops;
#endif

#ifndef SALVO_HAVE_AF_XDP
static const struct io_engine_ops io_af_xdp_stub = {
	.name = "af_xdp",
	.help = "AF_XDP sockets with an XDP steering program",
	.not_built = "af_xdp not built in (needs libxdp; make USE_AF_XDP=1)",
};
#endif
#ifndef SALVO_HAVE_DPDK
#include "io/dpdk_options.h"

static const struct io_engine_ops io_dpdk_stub = {
	.name = "dpdk",
	.help = "DPDK poll-mode drivers: kernel bypass on any NIC DPDK drives",
	.not_built = "dpdk not built in (make USE_DPDK=1; needs libdpdk-dev)",
	.options = dpdk_options,
};
#endif

#ifndef SALVO_HAVE_PFRING_ZC
static const struct io_engine_ops io_pfring_zc_stub = {
	.name = "pfring_zc",
	.help = "PF_RING ZC (ntop's zero-copy driver framework; untested)",
	.not_built = "pfring_zc not built in (make USE_PFRING_ZC=1, needs the PF_RING ZC SDK)",
};
#endif

static const struct io_engine_ops *const io_engines[] = {
	&io_af_packet_ops,
#ifdef SALVO_HAVE_AF_XDP
	&io_af_xdp_ops,
#else
	&io_af_xdp_stub,
#endif
#ifdef SALVO_HAVE_PFRING_ZC
	&io_pfring_zc_ops,
#else
	&io_pfring_zc_stub,
#endif
#ifdef SALVO_HAVE_DPDK
	&io_dpdk_ops,
#else
	&io_dpdk_stub,
#endif
	&io_dryrun_ops, /* --dryrun, not an --io-engine */
};

#define IO_ENGINE_COUNT (sizeof(io_engines) / sizeof(io_engines[0]))

static const char *engine_list(int built_only)
{
	static char all[128], built[128];
	char *buf = built_only ? built : all;

	if (buf[0])
		return buf;
	for (size_t i = 0; i < IO_ENGINE_COUNT; i++)
		if (!io_engines[i]->hidden && !(built_only && io_engines[i]->not_built))
			join_append(buf, sizeof(all), io_engines[i]->name);
	return buf;
}

const char *io_engine_list(void)
{
	return engine_list(0);
}

const char *io_engine_list_built(void)
{
	return engine_list(1);
}

const struct io_engine_ops *io_engine_at(size_t i)
{
	return i < IO_ENGINE_COUNT ? io_engines[i] : NULL;
}

void io_engines_describe(FILE *f)
{
	for (size_t i = 0; i < IO_ENGINE_COUNT; i++) {
		const struct io_engine_ops *e = io_engines[i];

		if (e->hidden)
			continue;
		if (e->not_built)
			fprintf(f, "%-10s no: %s\n", e->name, e->not_built);
		else
			fprintf(f, "%-10s yes%s%s%s: %s\n", e->name, e->built_with ? " (" : "",
				e->built_with ? e->built_with : "", e->built_with ? ")" : "",
				e->help);
	}
}

const struct io_engine_ops *io_engine_by_name(const char *name, char *err, size_t errlen)
{
	for (size_t i = 0; i < IO_ENGINE_COUNT; i++) {
		/* Hidden engines are not chosen here; a hidden stub still says "not built in". */
		if ((io_engines[i]->hidden && !io_engines[i]->not_built) ||
		    strcmp(io_engines[i]->name, name) != 0)
			continue;
		if (io_engines[i]->not_built) {
			snprintf(err, errlen, "--io-engine: %s; available: %s",
				 io_engines[i]->not_built, io_engine_list_built());
			return NULL;
		}
		return io_engines[i];
	}
	snprintf(err, errlen, "Unknown --io-engine '%s' (choose: %s)", name, io_engine_list());
	return NULL;
}

const struct io_engine_ops *io_engine_find(const char *name)
{
	for (size_t i = 0; i < IO_ENGINE_COUNT; i++)
		if (!io_engines[i]->not_built && strcmp(io_engines[i]->name, name) == 0)
			return io_engines[i];
	return NULL;
}

int io_engine_open(struct io_engine *e, const struct io_engine_ops *ops,
		   const struct io_config *cfg, char err[IO_ERRLEN])
{
	int ret;

	memset(e, 0, sizeof(*e));
	e->ops = ops;
	if (ops->priv_size && !(e->priv = calloc(1, ops->priv_size))) {
		snprintf(err, IO_ERRLEN, "%s: out of memory", ops->name);
		return -ENOMEM;
	}
	e->rx_queues = cfg->rx_queues;
	ret = ops->init(e, cfg, err);
	if (ret)
		io_engine_close(e);
	return ret;
}

void io_engine_close(struct io_engine *e)
{
	if (!e->ops)
		return;
	if (e->ops->close)
		e->ops->close(e);
	free(e->priv);
	e->priv = NULL;
	e->ops = NULL;
}

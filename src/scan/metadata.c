/* The -m metadata document; see metadata.h. */
#include "scan/metadata.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "io/netif.h"
#include "scan/scan.h"
#include "target/target.h"
#include "util/clock.h"
#include "util/json.h"
#include "version.h"

int scan_metadata_open(struct scan *s, char *err, size_t errlen)
{
	const char *path = s->cfg->metadata_file;

	s->start_real_us = clock_real_us();
	if (!path)
		return 0;
	if (!(s->metadata = fopen(path, "w"))) {
		int e = errno;

		snprintf(err, errlen, "--metadata-file: %s: %s", path, strerror(e));
		return -e;
	}
	return 0;
}

static void metadata_time(struct json_writer *w, const char *key, uint64_t us)
{
	char when[OUTPUT_FIELD_TEXT_MAX];

	output_format_timestamp(us, when);
	json_string(w, key, when);
}

/* Each NIC: its interface, sources, MACs, engine mode and what it sent, in -i's order. */
static void metadata_nics(struct json_writer *w, struct scan *s)
{
	char text[TARGET6_ADDRSTRLEN];

	json_array(w, "nics");
	for (unsigned k = 0; k < s->nic_count; k++) {
		const struct scan_nic *n = &s->nics[k];
		const struct probe_params *pp = &n->probe.params;

		json_object(w, NULL);
		json_string(w, "interface", n->ifname);
		json_array(w, "source_ips");
		for (uint32_t i = 0; i < (pp->saddr_count > 1 ? pp->saddr_count : 1); i++) {
			target_format_ipv4(pp->saddr_count > 1 ? pp->saddrs[i] : pp->saddr, text);
			json_string(w, NULL, text);
		}
		json_end(w);
		if (s->cfg->targets6.addresses) {
			target6_format(target6_from_bytes(pp->saddr6), text);
			json_string(w, "source_ipv6", text);
		}
		netif_format_mac(pp->smac, text);
		json_string(w, "source_mac", text);
		netif_format_mac(pp->gwmac, text);
		json_string(w, "gateway_mac", text);
		json_string(w, "engine_mode", n->engine->mode);
		json_uint(w, "sender_threads", n->senders);
		json_uint(w, "sent", scan_nic_sent(s, n));
		json_end(w);
	}
	json_end(w);
}

static void metadata_config(struct json_writer *w, const struct scan *s)
{
	const struct scan_config *cfg = s->cfg;
	const struct probe_params *pp = &s->nics[0].probe.params;
	char text[SCAN_NICS_MAX * SCAN_IFNAME_LEN];

	json_object(w, "config");
	json_uint(w, "addresses", scan_config_addresses(cfg));
	json_uint(w, "addresses_ipv6", cfg->targets6.addresses);
	json_string(w, "ports", cfg->ports_spec);
	json_uint(w, "port_count", cfg->ports.count);
	json_uint(w, "probes_per_target", cfg->probes);
	json_uint(w, "rate", cfg->rate);
	json_uint(w, "cooldown_s", cfg->cooldown_s);
	json_uint(w, "seed", s->seed);
	json_uint(w, "shards", cfg->shards);
	json_uint(w, "shard", cfg->shard);
	json_uint(w, "sender_threads", s->sender_count);
	json_uint(w, "receive_threads", s->receiver_count);
	/* Several NICs: "sv0,sv1", and the first's sources and MACs here (each one's in
	 * "nics"). */
	text[0] = '\0';
	for (unsigned k = 0; k < s->nic_count; k++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s", k ? "," : "",
			 s->nics[k].ifname);
	json_string(w, "interface", text);
	target_format_ipv4(pp->saddr, text);
	json_string(w, "source_ip", text);
	/* -S a range or list: every source (source_ip is the first). */
	json_array(w, "source_ips");
	for (uint32_t i = 0; i < (pp->saddr_count > 1 ? pp->saddr_count : 1); i++) {
		target_format_ipv4(pp->saddr_count > 1 ? pp->saddrs[i] : pp->saddr, text);
		json_string(w, NULL, text);
	}
	json_end(w);
	netif_format_mac(pp->smac, text);
	json_string(w, "source_mac", text);
	netif_format_mac(pp->gwmac, text);
	json_string(w, "gateway_mac", text);
	snprintf(text, sizeof(text), "%u-%u", cfg->sport_first,
		 cfg->sport_first + cfg->sport_count - 1);
	json_string(w, "source_ports", text);
	json_string(w, "blocklist", cfg->blocklist_default ? "built-in" : cfg->blocklist_file);
	json_string(w, "probe_module", cfg->probe->name);
	json_string(w, "validation_prf", prf_name(pp->prf));
	json_string(w, "output_module", cfg->output->name);
	json_string(w, "output_file", cfg->output_file);
	if (cfg->notes)
		json_string(w, "notes", cfg->notes);
	if (cfg->user_metadata)
		json_raw(w, "user_metadata", cfg->user_metadata);
	json_array(w, "output_fields");
	for (unsigned i = 0; i < cfg->fields.count; i++)
		json_string(w, NULL, output_fields_name(&cfg->fields, i));
	json_end(w);
	json_end(w);
}

static void metadata_counts(struct json_writer *w, const struct scan *s,
			    const struct scan_totals *t)
{
	json_object(w, "counts");
	json_uint(w, "probes_in_shard", (s->shard_end - s->shard_begin) * s->cfg->probes);
	json_uint(w, "sent", t->io.tx_completed);
	json_uint(w, "tx_errors", t->io.tx_errors);
	json_uint(w, "tx_busy", t->io.tx_busy);
	json_uint(w, "tx_retries", t->io.tx_retries);
	json_uint(w, "rx_frames", t->rx_frames);
	json_uint(w, "rx_drops", t->io.rx_drops);
	json_uint(w, "valid", t->valid);
	json_uint(w, "successes", t->successes);
	json_uint(w, "failures", t->failures);
	json_uint(w, "duplicates", t->duplicates);
	json_uint(w, "alive", t->alive);
	json_uint(w, "results_written", __atomic_load_n(&s->written, __ATOMIC_RELAXED));
	/* Queued but not written (the output failed): a --resume writes them. */
	json_uint(w, "results_not_written", __atomic_load_n(&s->unwritten, __ATOMIC_RELAXED));
	json_uint(w, "output_waits", t->output_waits);
	json_uint(w, "output_buffer_bytes", s->cfg->output_buffer);
	json_double(w, "output_bound_s", 3, (double)scan_output_bound_ns(s, clock_mono_ns()) / 1e9);
	json_end(w);
}

static void metadata_write(struct scan *s, int status)
{
	struct json_writer w;
	struct scan_totals t;
	double send_secs = scan_send_seconds(s);

	scan_totals(s, &t);
	json_start(&w, s->metadata, 1);
	json_object(&w, NULL);
	json_string(&w, "salvo_version", SALVO_VERSION);
	metadata_time(&w, "start_time", s->start_real_us);
	metadata_time(&w, "end_time", clock_real_us());
	json_double(&w, "duration_s", 3, scan_elapsed_s(s));
	json_double(&w, "send_duration_s", 3, send_secs);
	json_bool(&w, "interrupted", scan_signals != 0);
	json_uint(&w, "exit_status", status ? 1 : 0);
	metadata_config(&w, s);
	json_object(&w, "engine");
	json_string(&w, "name", s->cfg->engine->name);
	json_string(&w, "mode", s->engines[0].mode);
	json_end(&w);
	metadata_nics(&w, s);
	metadata_counts(&w, s, &t);
	json_object(&w, "rates");
	json_double(&w, "send_pps_avg", 1,
		    send_secs > 0 ? (double)t.io.tx_completed / send_secs : 0);
	json_double(&w, "hitrate_percent", 4, scan_hit_percent(&t));
	json_end(&w);
	json_end(&w);
	fputc('\n', s->metadata);
}

int scan_metadata_close(struct scan *s, int status)
{
	int ret = 0;

	if (!s->metadata)
		return 0;
	/* Only a scan that started has anything to say. */
	if (s->start_ns)
		metadata_write(s, status);
	if (fclose(s->metadata))
		ret = -errno;
	s->metadata = NULL;
	return ret;
}

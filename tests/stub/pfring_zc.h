/*
 * Declarations of the part of ntop's PF_RING ZC API that salvo's pfring_zc
 * engine uses, written from its public documentation, so that CI can
 * compile-check src/io/pfring_zc.c on machines without the SDK (Debian
 * ships none).  Only for `make check-pfring`: nothing links against it.
 */
#ifndef SALVO_TEST_STUB_PFRING_ZC_H
#define SALVO_TEST_STUB_PFRING_ZC_H

#include <stdint.h>
#include <sys/types.h>

typedef struct pfring_zc_cluster pfring_zc_cluster;
typedef struct pfring_zc_queue pfring_zc_queue;

typedef struct {
	u_int16_t len;
	u_int16_t flags;
	u_int32_t hash;
	struct {
		u_int32_t tv_sec;
		u_int32_t tv_nsec;
	} ts;
	u_char user[];
} pfring_zc_pkt_buff;

typedef enum { rx_only, tx_only } pfring_zc_queue_mode;

typedef struct {
	u_int64_t recv;
	u_int64_t sent;
	u_int64_t drop;
} pfring_zc_stat;

pfring_zc_cluster *pfring_zc_create_cluster(u_int32_t cluster_id, u_int32_t buffer_len,
					    u_int32_t metadata_len, u_int32_t tot_num_buffers,
					    int32_t numa_node_id, const char *hugepages_mountpoint,
					    u_int32_t flags);
void pfring_zc_destroy_cluster(pfring_zc_cluster *cluster);
pfring_zc_queue *pfring_zc_open_device(pfring_zc_cluster *cluster, const char *dev_name,
				       pfring_zc_queue_mode queue_mode, u_int32_t flags);
void pfring_zc_close_device(pfring_zc_queue *queue);
pfring_zc_pkt_buff *pfring_zc_get_packet_handle(pfring_zc_cluster *cluster);
void pfring_zc_release_packet_handle(pfring_zc_cluster *cluster, pfring_zc_pkt_buff *pkt_handle);
u_char *pfring_zc_pkt_buff_data(pfring_zc_pkt_buff *pkt_handle, pfring_zc_queue *queue);
int pfring_zc_send_pkt_burst(pfring_zc_queue *queue, pfring_zc_pkt_buff **pkt_handles,
			     u_int32_t num_packets, u_int8_t flush_packets);
int pfring_zc_recv_pkt(pfring_zc_queue *queue, pfring_zc_pkt_buff **pkt_handle,
		       u_int8_t wait_for_incoming_packet);
void pfring_zc_sync_queue(pfring_zc_queue *queue, pfring_zc_queue_mode direction);
int pfring_zc_stats(pfring_zc_queue *queue, pfring_zc_stat *stats);

#endif

/*
 * Unit test of the af_xdp engine's ring accounting, without a socket: the
 * engine's own functions run on TX and completion rings built here, and
 * the test plays the kernel (consumes descriptors, completes frames).
 * Checks that frames reserved but not filled go back, that a probe counts
 * as sent only when its completion returns, and that no frame is lent twice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#ifdef SALVO_HAVE_AF_XDP
/* The engine's file, with its table entry renamed so it does not clash with the library's. */
#define io_af_xdp_ops test_af_xdp_ops
#include "../../src/io/af_xdp.c"
#undef io_af_xdp_ops

#include <stdlib.h>
#include <string.h>

struct fake {
	struct io_engine e;
	struct afxdp_state st;
	struct afxdp_queue *q;
	__u32 tx_prod, tx_cons, tx_flags, comp_prod, comp_cons;
	struct xdp_desc tx_ring[AFXDP_RING];
	__u64 comp_ring[AFXDP_RING];
};

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	f->q = alloc_array_aligned(1, sizeof(*f->q));
	f->q->half = AFXDP_TX_FRAMES;
	f->q->area = calloc(2 * AFXDP_TX_FRAMES, AFXDP_FRAME_SIZE);
	f->q->fd = -1;
	f->q->tx = (struct xsk_ring_prod){ .cached_cons = AFXDP_RING,
					   .mask = AFXDP_RING - 1,
					   .size = AFXDP_RING,
					   .producer = &f->tx_prod,
					   .consumer = &f->tx_cons,
					   .ring = f->tx_ring,
					   .flags = &f->tx_flags };
	f->q->comp = (struct xsk_ring_cons){ .mask = AFXDP_RING - 1,
					     .size = AFXDP_RING,
					     .producer = &f->comp_prod,
					     .consumer = &f->comp_cons,
					     .ring = f->comp_ring };
	for (unsigned i = 0; i < AFXDP_TX_FRAMES; i++)
		f->q->free_tx[i] = (uint64_t)i * AFXDP_FRAME_SIZE;
	f->q->free_count = AFXDP_TX_FRAMES;
	f->st.q = f->q;
	f->st.count = 1;
	f->e.ops = &test_af_xdp_ops;
	f->e.priv = &f->st;
	return f;
}

static void fake_free(struct fake *f)
{
	free(f->q->area);
	free(f->q);
	free(f);
}

/* The kernel sends every published descriptor and completes it. */
static void kernel_sends_all(struct fake *f)
{
	while (f->tx_cons != f->tx_prod) {
		f->comp_ring[f->comp_prod & (AFXDP_RING - 1)] =
			f->tx_ring[f->tx_cons & (AFXDP_RING - 1)].addr;
		f->tx_cons++;
		f->comp_prod++;
	}
}

static void unfilled_reservations_go_back_and_only_completions_count(void **state)
{
	struct fake *f = fake_new();
	struct io_frame frames[64];
	struct io_stats st;
	(void)state;

	assert_int_equal(afxdp_tx_reserve(&f->e, 0, frames, 8), 8);
	assert_int_equal(f->q->free_count, AFXDP_TX_FRAMES - 8);
	for (int i = 0; i < 5; i++)
		frames[i].len = 60;
	afxdp_tx_submit(&f->e, 0, frames, 5);
	/* Five published, three frames and ring slots handed back. */
	assert_int_equal(f->tx_prod, 5);
	assert_int_equal(f->q->tx.cached_prod, 5);
	assert_int_equal(f->q->free_count, AFXDP_TX_FRAMES - 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(f->tx_ring[i].len, 60);

	io_stats(&f->e, &st);
	assert_int_equal(st.tx_submitted, 5);
	assert_int_equal(st.tx_completed, 0); /* submitted is not sent */

	kernel_sends_all(f);
	assert_int_equal(afxdp_tx_flush(&f->e, 0), 0);
	io_stats(&f->e, &st);
	assert_int_equal(st.tx_completed, 5);
	assert_int_equal(f->q->free_count, AFXDP_TX_FRAMES);
	fake_free(f);
}

static void no_frame_is_lent_twice(void **state)
{
	struct fake *f = fake_new();
	struct io_frame frames[64];
	static uint8_t lent[AFXDP_TX_FRAMES];
	unsigned total = 0;
	(void)state;

	memset(lent, 0, sizeof(lent));
	/* Fill the whole pool without completions, with partial submits along the way. */
	while (total < AFXDP_TX_FRAMES) {
		unsigned got = afxdp_tx_reserve(&f->e, 0, frames, 64),
			 use = got > 3 ? got - 3 : got;

		assert_true(got > 0);
		for (unsigned i = 0; i < use; i++) {
			unsigned idx =
				(unsigned)(((uint8_t *)frames[i].data - (uint8_t *)f->q->area) /
					   AFXDP_FRAME_SIZE);

			assert_true(idx < AFXDP_TX_FRAMES);
			assert_int_equal(lent[idx], 0);
			lent[idx] = 1;
			frames[i].len = 60;
		}
		afxdp_tx_submit(&f->e, 0, frames, use);
		total += use;
	}
	/* Pool empty: nothing more to lend until the kernel completes. */
	assert_int_equal(afxdp_tx_reserve(&f->e, 0, frames, 64), 0);
	kernel_sends_all(f);
	assert_int_equal(afxdp_tx_reserve(&f->e, 0, frames, 64), 64);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unfilled_reservations_go_back_and_only_completions_count),
		cmocka_unit_test(no_frame_is_lent_twice),
	};

	return cmocka_run_group_tests_name("af_xdp rings", tests, NULL, NULL);
}
#else
static void af_xdp_not_built(void **state)
{
	(void)state;
	skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(af_xdp_not_built) };

	return cmocka_run_group_tests_name("af_xdp rings", tests, NULL, NULL);
}
#endif

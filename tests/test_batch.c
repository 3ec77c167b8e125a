/*
 * The pure parts of the group commit: the smoothed arrival rate and the
 * decision to let a commit wait for more visits.  The batching itself is
 * tested against PostgreSQL in tests/batch.test and tests/race.test.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

Test(batch, rate)
{
	static const struct {
		double	 rate;
		size_t	 n;
		double	 gap;
		double	 want;
		double	 tol;
	} t[] = {
		/* No time passed, or a clock that went back: no change. */
		{ 1000, 5, 0, 1000, 0 },
		{ 1000, 5, -0.5, 1000, 0 },
		{ 1000, 5, NAN, 1000, 0 },
		/* A steady rate stays. */
		{ 1000, 1, 0.001, 1000, 1e-9 },
		{ 20000, 20, 0.001, 20000, 1e-6 },
		/* One short interval moves it a little (weight 1/101). */
		{ 0, 10, 0.001, 10000.0 / 101, 1e-9 },
		/* A long quiet spell forgets a busy past. */
		{ 20000, 1, 60, 20000 * 0.1 / 60.1 + 60 / 60.1 / 60, 1e-9 },
		{ 0, 1, 10, 10 / 10.1 / 10, 1e-12 },
	};
	size_t	 i;
	double	 got;

	for (i = 0; i < NELEM(t); i++) {
		got = batch_rate(t[i].rate, t[i].n, t[i].gap);
		cr_assert(fabs(got - t[i].want) <= t[i].tol,
		    "case %zu: batch_rate(%g, %zu, %g) = %.12g, want %.12g",
		    i, t[i].rate, t[i].n, t[i].gap, got, t[i].want);
	}
}

Test(batch, rate_follows_load)
{
	double	 r = 0;
	int	 i;

	/* 0.1 s at 20,000 a second (1 ms commits of 20) gets most of it. */
	for (i = 0; i < 100; i++)
		r = batch_rate(r, 20, 0.001);
	cr_assert(r > 20000 * 0.6 && r < 20000, "after 0.1 s: %g", r);
	for (i = 0; i < 900; i++)
		r = batch_rate(r, 20, 0.001);
	cr_assert(fabs(r - 20000) < 20, "after 1 s: %g", r);
	/* Then the load stops: one visit after 2 s of nothing. */
	r = batch_rate(r, 1, 2);
	cr_assert(r < 1000, "after a quiet 2 s: %g", r);
	cr_assert(!batch_should_delay(r, 0.0005), "no delay after a quiet 2 s");
}

Test(batch, should_delay)
{
	static const struct {
		double	 rate, delay;
		int	 want;
	} t[] = {
		{ 0, 0.0005, 0 },		/* idle: commit at once */
		{ 1999, 0.0005, 0 },		/* under one visit expected */
		{ 2000, 0.0005, 1 },		/* one expected to join */
		{ 20000, 0.0005, 1 },
		{ 1e6, 0, 0 },			/* commit_delay = 0 */
		{ 100, 0.1, 1 },
		{ 9.99, 0.1, 0 },
		{ NAN, 0.0005, 0 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_assert_eq(batch_should_delay(t[i].rate, t[i].delay),
		    t[i].want, "batch_should_delay(%g, %g)", t[i].rate,
		    t[i].delay);
}
